//! What the page asks about the model besides training: D's verdict on a row of real and a row
//! of generated images, the training images nearest to one of them, how near the samples sit to
//! the data, G's feature maps, the sample grid's pixels and the quality measure.

use burn::tensor::Tensor;
use model::images::{grid, to_rgba};
use model::swd::{SwdConfig, SwdSpread, sliced_wasserstein_spread};
use protocol::data::GRID_SAMPLES;
use protocol::messages::{Memorisation, NearestReport, Neighbour, QUALITY_SEEDS};
use protocol::verdict::{self, Judged, VerdictReport};

use super::{NEAREST, SPACING_IMAGES, Trainer};

impl Trainer {
    /// D's logits on up to [`GRID_SAMPLES`] fixed training images and on `fake` (the raw
    /// generator's drawings of the grid's z: what D sees in training), and the first
    /// [`verdict::ROW`] of those training images, all to be read back by the caller; `None` with
    /// fewer than two training images.
    pub fn judge(&mut self, fake: Tensor<4>) -> Option<(Tensor<1>, Tensor<1>, Tensor<4>)> {
        let data = self.dataset();
        let n = data.len().min(GRID_SAMPLES);
        if n < 2 {
            return None;
        }
        let real = data.images().clone().narrow(0, 0, n); // [n, c, s, s]
        let (real_logits, fake_logits) = if self.mixed_verdict {
            self.gan.judge_mixed(real.clone(), fake)
        } else {
            self.gan.judge(real.clone(), fake)
        };
        Some((
            real_logits,
            fake_logits,
            real.narrow(0, 0, n.min(verdict::ROW)),
        ))
    }

    /// A verdict report from read-back logits and images (see [`judge`](Self::judge)), its
    /// version one more than the last one's.
    pub fn verdict_report(
        &mut self,
        logits: (&[f32], &[f32]),
        pixels: (&[f32], &[f32]),
        judged: Judged,
    ) -> VerdictReport {
        let config = &self.gan.config;
        let (c, size) = (config.channels, config.image_size);
        let per = c * size * size;
        for (kept, pixels) in self.verdict_pixels.iter_mut().zip([pixels.0, pixels.1]) {
            *kept = pixels
                .chunks_exact(per)
                .take(verdict::ROW)
                .map(<[f32]>::to_vec)
                .collect();
        }
        let rows = |logits: &[f32], pixels: &[f32]| {
            let n = verdict::ROW.min(logits.len()).min(pixels.len() / per);
            let images = pixels
                .chunks_exact(per)
                .take(n)
                .map(|p| to_rgba(p, c, size).into_raw())
                .collect();
            (logits[..n].to_vec(), images)
        };
        let mut report = VerdictReport::new(
            config.loss,
            rows(logits.0, pixels.0),
            rows(logits.1, pixels.1),
            size as u32,
        );
        self.verdicts += 1;
        report.version = self.verdicts;
        report.step = self.step_count();
        report.judged = judged;
        report.mixed = self.mixed_verdict;
        report
    }

    /// The [`NEAREST`] training images nearest to image `index` of the last verdict's real
    /// (`real`) or generated row, by pixel distance at training resolution.
    pub fn nearest(&mut self, real: bool, index: usize) -> Result<NearestReport, String> {
        let query = self.verdict_pixels[usize::from(!real)]
            .get(index)
            .cloned()
            .ok_or("that image is no longer shown")?;
        let layout = self.layout();
        let (c, size, per) = (layout.channels, layout.side, layout.per_image());
        self.dataset();
        let found = model::nearest::nearest(&query, &self.training_pixels, layout, NEAREST);
        let image = |p: &[f32]| to_rgba(p, c, size).into_raw();
        Ok(NearestReport {
            real,
            index,
            size: size as u32,
            query: image(&query),
            neighbours: found
                .into_iter()
                .map(|m| Neighbour {
                    index: m.index,
                    distance: m.distance,
                    mirrored: m.mirrored,
                    rgba: image(&self.training_pixels[m.index * per..(m.index + 1) * per]),
                })
                .collect(),
        })
    }

    /// How the model's images are laid out.
    fn layout(&self) -> model::nearest::Layout {
        model::nearest::Layout {
            channels: self.gan.config.channels,
            side: self.gan.config.image_size,
        }
    }

    /// Median distance of `samples` (read-back pixels) to their nearest training image, and the
    /// training images' own median nearest-neighbour distance (on at most [`SPACING_IMAGES`] of
    /// them), each training image compared as it is and mirrored (training flips them): samples
    /// much nearer the data than the data is to itself are copies.
    pub fn memorisation(&mut self, samples: &[f32]) -> Option<Memorisation> {
        let layout = self.layout();
        let per = layout.per_image();
        self.dataset();
        let data = &self.training_pixels;
        let some = &data[..data.len().min(SPACING_IMAGES * per)];
        Some(Memorisation {
            samples: model::nearest::median_nearest(samples, data, layout, false)?,
            training: model::nearest::median_nearest(some, some, layout, true)?,
            images: data.len() / per,
        })
    }

    /// The generator's feature maps at `layer` of its [`architecture`](Self::architecture)
    /// (1 = the first block, the last = the image) for the live grid's first latent vector,
    /// at most `maps` of them: `[1, k, side, side]`, to be read back. `None` for z (layer 0)
    /// or past the end.
    pub fn activations(&self, layer: usize, maps: usize) -> Option<Tensor<4>> {
        let latent = self.gan.config.latent_size;
        let device = self.device.clone();
        let z = Tensor::<2>::from_data(
            burn::tensor::TensorData::new(self.fixed_z.concat(), [self.fixed_z.len(), latent]),
            &device,
        );
        let outputs = self.gan.inference_generator().activations(z);
        let output = outputs.into_iter().nth(layer.checked_sub(1)?)?; // [64, k, side, side]
        let [_, k, _, _] = output.dims();
        Some(output.slice([0..1, 0..k.min(maps)]))
    }

    /// The 8×8 grid of read-back sample pixels: (width, height, RGBA8).
    pub fn grid_rgba(&self, pixels: &[f32]) -> (u32, u32, Vec<u8>) {
        let config = &self.gan.config;
        let image = grid(pixels, config.channels, config.image_size, 8, 8, 2);
        (image.width(), image.height(), image.into_raw())
    }

    /// SWD (×10³) of read-back samples to the training images, measured with
    /// [`QUALITY_SEEDS`] seeds of its patches and projections (their mean and range: on 64
    /// samples the measure is noisy), and the samples' diversity relative to the data's (mean
    /// pairwise distance ratio; near 0 means mode collapse).
    pub fn quality(&self, samples: &[f32]) -> (SwdSpread, f32) {
        let config = &self.gan.config;
        let per = config.channels * config.image_size * config.image_size;
        // Only as many real images as samples are compared: prepare no more than that.
        let real = self.pixels(GRID_SAMPLES);
        let count = (real.len() / per)
            .min(samples.len() / per)
            .min(GRID_SAMPLES);
        let (real, fake) = (&real[..count * per], &samples[..count * per]);
        let swd = sliced_wasserstein_spread(
            real,
            fake,
            config.channels,
            config.image_size,
            &SwdConfig::quick(),
            QUALITY_SEEDS,
        );
        (swd, diversity(fake, per) / diversity(real, per).max(1e-6))
    }
}

/// Mean Euclidean distance between consecutive pairs of images.
fn diversity(pixels: &[f32], per: usize) -> f32 {
    let images: Vec<&[f32]> = pixels.chunks_exact(per).collect();
    let pairs: Vec<f32> = images
        .windows(2)
        .map(|w| {
            w[0].iter()
                .zip(w[1])
                .map(|(a, b)| (a - b).powi(2))
                .sum::<f32>()
                .sqrt()
        })
        .collect();
    pairs.iter().sum::<f32>() / pairs.len().max(1) as f32
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;
    use protocol::verdict::{self, Judged};

    #[test]
    fn d_steps_teach_d_to_tell_the_rows_apart() {
        let mut t = Trainer::new(Device::flex(), tiny().with_learning_rate_d(2e-3)).unwrap();
        let first = verdict(&mut t, Judged::Refresh);
        assert_eq!(first.real.len(), verdict::ROW);
        assert_eq!(first.fake.len(), verdict::ROW);
        assert!(
            first
                .real
                .iter()
                .chain(&first.fake)
                .all(|s| (0.0..=1.0).contains(&s.shown))
        );
        for _ in 0..10 {
            t.step(StepKind::Discriminator);
        }
        let after = verdict(&mut t, Judged::AfterStepD);
        assert_eq!(after.version, first.version + 1);
        let (real0, fake0) = first.means();
        let (real1, fake1) = after.means();
        assert!(
            real1 > real0 && fake1 < fake0,
            "{real0}→{real1}, {fake0}→{fake1}"
        );
        let (real, _) = after.changes(&first).unwrap();
        assert_eq!(real.len(), verdict::ROW);
        assert_eq!(after.step, 0, "D steps do not count as generator updates");
    }

    #[test]
    fn a_training_image_is_its_own_nearest_and_samples_are_measured_against_the_data() {
        let mut t = Trainer::new(Device::flex(), tiny()).unwrap();
        verdict(&mut t, Judged::Refresh);
        let own = t.nearest(true, 2).unwrap();
        assert_eq!(
            (own.neighbours[0].index, own.neighbours[0].distance),
            (2, 0.0)
        );
        assert_eq!(own.neighbours.len(), NEAREST);
        let generated = t.nearest(false, 0).unwrap();
        assert!(generated.neighbours[0].distance > 0.0);
        assert!(
            generated
                .neighbours
                .windows(2)
                .all(|w| w[0].distance <= w[1].distance)
        );
        assert!(t.nearest(false, 99).is_err());
        let samples: Vec<f32> = t.samples().into_data().iter::<f32>().collect();
        let m = t.memorisation(&samples).unwrap();
        assert!(m.samples > 0.0 && m.training > 0.0, "{m:?}");
        // The training images themselves, as samples, sit at distance 0 from the data.
        let copies = t.training_pixels[..samples.len()].to_vec();
        assert_eq!(t.memorisation(&copies).unwrap().samples, 0.0);
    }

    #[test]
    fn feature_maps_come_from_each_generator_layer() {
        let t = Trainer::new(Device::flex(), tiny()).unwrap();
        let layers = t.architecture().generator;
        assert!(t.activations(0, 8).is_none(), "z has no feature maps");
        assert!(t.activations(layers.len(), 8).is_none());
        for (i, layer) in layers.iter().enumerate().skip(1) {
            let maps = t.activations(i, 3).unwrap();
            let [_, c, h, w] = layer.output;
            assert_eq!(maps.dims(), [1, c.min(3), h, w], "{}", layer.operation);
        }
    }
}
