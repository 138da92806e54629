//! The training set: every image in one device tensor, served as shuffled, optionally flipped
//! batches from a seeded generator.

use burn::tensor::{Device, Int, Tensor, TensorData};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

/// Where a [`Dataset`] stands in its seeded sequence of shuffles and flips: saved in checkpoints
/// so that a resumed run is served the same batches as an uninterrupted one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DataPosition {
    /// Complete passes so far.
    pub epoch: u64,
    /// Images served from the current pass.
    pub cursor: u64,
    /// The current pass's order.
    pub order: Vec<u32>,
    /// Position of the shuffle-and-flip generator (ChaCha8 word position).
    pub rng_word: u128,
}

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

    /// Where the dataset stands (see [`DataPosition`]).
    pub fn position(&self) -> DataPosition {
        DataPosition {
            epoch: self.epoch as u64,
            cursor: self.cursor as u64,
            order: self.order.iter().map(|&i| i as u32).collect(),
            rng_word: self.rng.get_word_pos(),
        }
    }

    /// Continues from `position`, saved from a dataset of the same images and seed. Refused (and
    /// nothing changed) when it does not fit this dataset's size.
    pub fn set_position(&mut self, position: &DataPosition) -> Result<(), String> {
        let count = self.count;
        let mut seen = vec![false; count];
        let fits = position.order.len() == count
            && position.cursor as usize <= count
            && position
                .order
                .iter()
                .all(|&i| (i as usize) < count && !std::mem::replace(&mut seen[i as usize], true));
        if !fits {
            return Err(format!(
                "the saved data position is for {} images, this dataset has {count}",
                position.order.len()
            ));
        }
        self.epoch = position.epoch as usize;
        self.cursor = position.cursor as usize;
        self.order = position.order.iter().map(|&i| i as usize).collect();
        self.rng.set_word_pos(position.rng_word);
        Ok(())
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
    fn a_restored_position_serves_the_same_batches() {
        let device = Device::flex();
        let pixels: Vec<f32> = (0..7 * 4).map(|i| i as f32).collect();
        let fresh = || Dataset::from_pixels(pixels.clone(), 1, 2, &device, 9, true);
        let mut a = fresh();
        a.next_batch(5);
        a.next_batch(5); // into the second epoch
        let saved = a.position();
        let mut b = fresh();
        b.set_position(&saved).unwrap();
        assert_eq!(b.epoch(), 1);
        for _ in 0..3 {
            assert_eq!(a.next_batch(4).into_data(), b.next_batch(4).into_data());
        }
        let mut other = Dataset::from_pixels(pixels[..12].to_vec(), 1, 2, &device, 9, true);
        assert!(
            other.set_position(&saved).is_err(),
            "3 images, position for 7"
        );
        let mut bad = saved.clone();
        bad.order[0] = bad.order[1];
        assert!(fresh().set_position(&bad).is_err(), "not a permutation");
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
