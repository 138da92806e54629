//! The training set: every image in one device tensor, served as shuffled, optionally flipped
//! batches from a seeded generator.

use burn::tensor::{Device, Int, Tensor, TensorData};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

/// Images `[count, channels, size, size]` in [-1, 1] and the order they are served in.
pub struct Dataset {
    images: Tensor<4>,
    count: usize,
    flips: bool,
    rng: ChaCha8Rng,
    order: Vec<usize>,
    cursor: usize,
    epoch: usize,
}

impl Dataset {
    /// A dataset over `images` (`[count, channels, size, size]`, count ≥ 1).
    pub fn new(images: Tensor<4>, seed: u64, flips: bool) -> Self {
        let [count, ..] = images.dims();
        assert!(count > 0, "a dataset needs at least one image");
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut order: Vec<usize> = (0..count).collect();
        order.shuffle(&mut rng);
        Self {
            images,
            count,
            flips,
            rng,
            order,
            cursor: 0,
            epoch: 0,
        }
    }

    /// A dataset from flat pixel data (`count × channels × size × size`, row-major, in [-1, 1]).
    pub fn from_pixels(
        pixels: Vec<f32>,
        channels: usize,
        size: usize,
        device: &Device,
        seed: u64,
        flips: bool,
    ) -> Self {
        let count = pixels.len() / (channels * size * size);
        let data = TensorData::new(pixels, [count, channels, size, size]);
        Self::new(Tensor::from_data(data, device), seed, flips)
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Always false: a dataset holds at least one image.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Complete passes over the data so far.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// All images, `[count, channels, size, size]`.
    pub fn images(&self) -> &Tensor<4> {
        &self.images
    }

    /// The next `batch` images in shuffled order; a new epoch reshuffles. With flips on, each
    /// image is mirrored left–right with probability ½.
    ///
    /// - returns `[batch, channels, size, size]`
    pub fn next_batch(&mut self, batch: usize) -> Tensor<4> {
        let indices = self.next_indices(batch);
        let device = self.images.device();
        let picked = self.images.clone().select(
            0,
            Tensor::<1, Int>::from_data(TensorData::new(indices, [batch]), &device),
        ); // [batch, c, s, s]
        if !self.flips {
            return picked;
        }
        let mask: Vec<f32> = (0..batch)
            .map(|_| {
                if rand::Rng::random::<bool>(&mut self.rng) {
                    1.0
                } else {
                    0.0
                }
            })
            .collect();
        let mask = Tensor::<4>::from_data(TensorData::new(mask, [batch, 1, 1, 1]), &device);
        let mirrored = picked.clone().flip([3]);
        picked.clone() + (mirrored - picked) * mask
    }

    fn next_indices(&mut self, batch: usize) -> Vec<i64> {
        (0..batch)
            .map(|_| {
                if self.cursor == self.count {
                    self.order.shuffle(&mut self.rng);
                    self.cursor = 0;
                    self.epoch += 1;
                }
                self.cursor += 1;
                self.order[self.cursor - 1] as i64
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(count: usize, device: &Device) -> Dataset {
        // Image i is constant i, with a gradient along x so flips are visible.
        let pixels: Vec<f32> = (0..count)
            .flat_map(|i| (0..4).map(move |x| i as f32 + x as f32 * 0.1))
            .collect();
        Dataset::from_pixels(pixels, 1, 2, device, 5, false)
    }

    #[test]
    fn an_epoch_serves_every_image_once_in_seeded_order() {
        let device = Device::flex();
        let mut data = numbered(5, &device);
        let batch = data.next_batch(5).into_data().try_to_vec::<f32>().unwrap();
        let mut firsts: Vec<i32> = batch.chunks(4).map(|c| c[0] as i32).collect();
        let order = firsts.clone();
        firsts.sort();
        assert_eq!(firsts, vec![0, 1, 2, 3, 4]);
        assert_ne!(order, vec![0, 1, 2, 3, 4], "shuffled");
        assert_eq!(data.epoch(), 0);
        data.next_batch(3);
        assert_eq!(data.epoch(), 1);
        let again = numbered(5, &device)
            .next_batch(5)
            .into_data()
            .try_to_vec::<f32>()
            .unwrap();
        assert_eq!(again, batch, "same seed, same order");
    }

    #[test]
    fn batches_larger_than_the_data_wrap_around() {
        let device = Device::flex();
        let mut data = numbered(3, &device);
        assert_eq!(data.next_batch(8).dims(), [8, 1, 2, 2]);
        assert_eq!(data.epoch(), 2);
    }

    #[test]
    fn flips_mirror_some_images() {
        let device = Device::flex();
        // 64 images of one row [0, 1]: a flip shows as [1, 0].
        let pixels: Vec<f32> = (0..64).flat_map(|_| [0.0f32, 1.0]).collect();
        let images = Tensor::<4>::from_data(TensorData::new(pixels, [64, 1, 1, 2]), &device);
        let mut data = Dataset::new(images, 1, true);
        let out = data.next_batch(64).into_data().try_to_vec::<f32>().unwrap();
        let flipped = out.chunks(2).filter(|p| p == &[1.0, 0.0]).count();
        let kept = out.chunks(2).filter(|p| p == &[0.0, 1.0]).count();
        assert_eq!(flipped + kept, 64);
        assert!((16..=48).contains(&flipped), "{flipped} of 64 flipped");
    }
}
