//! DiffAugment (Zhao et al. 2020, *Differentiable Augmentation for Data-Efficient GAN
//! Training*): random colour, translation and cutout changes applied to **every** image the
//! discriminator sees, real and generated, in D's updates and in G's.
//!
//! Why: with a few dozen images, D soon memorises them pixel for pixel, its verdicts stop
//! carrying anything G can learn from, and the samples degrade. Augmenting only the real images
//! would teach G to draw augmented images; augmenting both, with changes that are
//! differentiable, keeps D's task honest and lets G's gradient flow back through them.
//!
//! The random draws are made on the host (from the training noise generator, whose position
//! checkpoints keep) and sent as small tensors, so one seed augments a batch the same way on
//! every backend and a resumed run draws what an uninterrupted one would.
//!
//! The operations and their ranges are those of the authors' `DiffAugment_pytorch.py`
//! (`color,translation,cutout`), for images in [-1, 1]. Each is applied to each image with a
//! probability (1 is the paper's DiffAugment; less is a weaker dose, as ADA tunes it).

use burn::tensor::{Device, Tensor, TensorData};
use rand::Rng;

/// One image's draw: what each operation does to it (the identity where it was not drawn).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageDraw {
    /// Added to every pixel, in [-0.5, 0.5).
    pub brightness: f32,
    /// Scales each pixel's distance to its grey value, in [0, 2).
    pub saturation: f32,
    /// Scales each pixel's distance to the image's mean, in [0.5, 1.5).
    pub contrast: f32,
    /// The image moves by (rows, columns): output(i, j) = input(i + rows, j + columns), zero
    /// where that falls outside; each within ±side/8.
    pub shift: (i32, i32),
    /// The top-left corner and side of the square set to zero (clipped at the image's edges),
    /// or `None`.
    pub cutout: Option<(i32, i32, i32)>,
}

impl ImageDraw {
    /// The draw that changes nothing.
    pub const IDENTITY: ImageDraw = ImageDraw {
        brightness: 0.0,
        saturation: 1.0,
        contrast: 1.0,
        shift: (0, 0),
        cutout: None,
    };

    /// Draws the five operations for an image of `side`, each with `probability`.
    pub fn draw(rng: &mut impl Rng, side: usize, probability: f64) -> ImageDraw {
        let side = side as i32;
        let p = probability.clamp(0.0, 1.0);
        let mut draw = ImageDraw::IDENTITY;
        if rng.random_bool(p) {
            draw.brightness = rng.random::<f32>() - 0.5;
        }
        if rng.random_bool(p) {
            draw.saturation = rng.random::<f32>() * 2.0;
        }
        if rng.random_bool(p) {
            draw.contrast = rng.random::<f32>() + 0.5;
        }
        if rng.random_bool(p) {
            let reach = side / 8;
            draw.shift = (
                rng.random_range(-reach..=reach),
                rng.random_range(-reach..=reach),
            );
        }
        if rng.random_bool(p) {
            // The square's centre anywhere in the image (the reference's range), so a cut
            // near an edge is partly outside it.
            let cut = side / 2;
            let centres = side + (1 - cut % 2);
            let (row, column) = (rng.random_range(0..centres), rng.random_range(0..centres));
            draw.cutout = Some((row - cut / 2, column - cut / 2, cut));
        }
        draw
    }
}

/// The draws of a batch, ready to apply to images of one side.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchDraw {
    /// One per image.
    pub images: Vec<ImageDraw>,
    /// Side of the images.
    pub side: usize,
    /// Where the probability is decided on the device ([`BatchDraw::draw_all`], adaptive
    /// augmentation, whose p never leaves the device): per image, one number in [0, 1) per
    /// operation (brightness, saturation, contrast, translation, cutout), the operation applying where it is below p. Empty: `images`
    /// already holds only the operations that apply.
    pub chances: Vec<[f32; 5]>,
}

impl BatchDraw {
    /// Draws `batch` images' augmentations for images of `side`, each operation with
    /// `probability`.
    pub fn draw(rng: &mut impl Rng, batch: usize, side: usize, probability: f64) -> BatchDraw {
        BatchDraw {
            images: (0..batch)
                .map(|_| ImageDraw::draw(rng, side, probability))
                .collect(),
            side,
            chances: Vec::new(),
        }
    }

    /// Draws every operation for each of `batch` images of `side`, and the chances that decide,
    /// given p, which of them apply ([`apply_with_probability`](Self::apply_with_probability)).
    /// The draws consumed do not depend on p, so a run's noise stays in step whatever p does.
    pub fn draw_all(rng: &mut impl Rng, batch: usize, side: usize) -> BatchDraw {
        let mut draw = BatchDraw::draw(rng, batch, side, 1.0);
        draw.chances = (0..batch)
            .map(|_| std::array::from_fn(|_| rng.random::<f32>()))
            .collect();
        draw
    }

    /// [`draw`](Self::draw) from a generator seeded with `seed`.
    pub fn seeded(seed: u64, batch: usize, side: usize, probability: f64) -> BatchDraw {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        Self::draw(&mut rng, batch, side, probability)
    }

    /// Applies the draws to `images`, differentiably.
    ///
    /// # Shapes
    /// - images: `[batch, channels, side, side]`, batch = the number of draws
    /// - output: the same
    pub fn apply(&self, images: Tensor<4>) -> Tensor<4> {
        self.apply_masked(images, None)
    }

    /// Applies the draws of [`draw_all`](Self::draw_all), each operation only where its chance
    /// is below `probability` (`[1]`, on the images' device): p is compared on the device, so a
    /// p the device adjusts is never read back.
    ///
    /// # Shapes
    /// - images: `[batch, channels, side, side]`, batch = the number of draws
    /// - probability: `[1]`
    /// - output: the same as images
    pub fn apply_with_probability(&self, images: Tensor<4>, probability: Tensor<1>) -> Tensor<4> {
        let batch = self.chances.len();
        assert_eq!(batch, self.images.len(), "chances drawn with draw_all");
        let device = images.device();
        let chances: Vec<f32> = self.chances.iter().flatten().copied().collect();
        let chances = Tensor::<2>::from_data(TensorData::new(chances, [batch, 5]), &device);
        let p = probability
            .to_device(&device)
            .reshape([1, 1])
            .expand([batch, 5]);
        let masks = chances.lower(p).float(); // [batch, 5]
        self.apply_masked(images, Some(masks))
    }

    /// The draws applied, each operation k blended towards the identity by `masks[:, k]`
    /// (1: applied, 0: not) where given.
    fn apply_masked(&self, images: Tensor<4>, masks: Option<Tensor<2>>) -> Tensor<4> {
        let [batch, channels, side, _] = images.dims();
        assert_eq!(batch, self.images.len(), "one draw per image");
        assert_eq!(side, self.side, "draws made for another image side");
        let device = images.device();
        let per_image = |f: fn(&ImageDraw) -> f32| self.per_image(f, &device);
        let mask = |k: usize| {
            masks.as_ref().map(|m| {
                m.clone()
                    .slice([0..batch, k..k + 1])
                    .reshape([batch, 1, 1, 1])
            })
        };
        // identity + mask·(value − identity): the value where applied, the identity elsewhere
        // (built only where there is a mask).
        let toward = |value: Tensor<4>,
                      identity: &dyn Fn() -> Tensor<4>,
                      mask: Option<Tensor<4>>| {
            match mask {
                None => value,
                Some(m) => {
                    let identity = identity();
                    (value - identity.clone()) * m + identity
                }
            }
        };
        let constant = |v: f32| Tensor::<4>::full([1, 1, 1, 1], v, &device);
        // Colour (inputs in [-1, 1]).
        let brightness = toward(per_image(|d| d.brightness), &|| constant(0.0), mask(0));
        let x = images + brightness; // [batch, c, s, s]
        let grey = x.clone().mean_dim(1); // [batch, 1, s, s]
        let saturation = toward(per_image(|d| d.saturation), &|| constant(1.0), mask(1));
        let x = (x - grey.clone()) * saturation + grey;
        let mean = x
            .clone()
            .reshape([batch, channels * side * side])
            .mean_dim(1)
            .reshape([batch, 1, 1, 1]);
        let contrast = toward(per_image(|d| d.contrast), &|| constant(1.0), mask(2));
        let x = (x - mean.clone()) * contrast + mean;
        // Translation as two products with 0/1 shift matrices: out = R·x·C picks
        // x(i + rows, j + columns), and an all-zero row or column is the zero padding. Plain
        // matrix products keep it differentiable on every backend without a gather.
        let shape = [batch, channels, side, side];
        let identity = || {
            (self.positions(3, &device) - self.positions(2, &device))
                .abs()
                .lower_elem(0.5)
                .float() // [1, 1, s, s]
        };
        let rows = self.shift_matrices(|d| d.shift.0, false, &device);
        let rows = toward(rows, &identity, mask(3)).expand(shape);
        let columns = self.shift_matrices(|d| d.shift.1, true, &device);
        let columns = toward(columns, &identity, mask(3)).expand(shape);
        let x = rows.matmul(x).matmul(columns);
        // Cutout.
        x * toward(self.keep_masks(&device), &|| constant(1.0), mask(4)).expand(shape)
    }

    /// The per-image numbers `f` as a `[batch, 1, 1, 1]` tensor on `device`.
    fn per_image(&self, f: impl Fn(&ImageDraw) -> f32, device: &Device) -> Tensor<4> {
        let values: Vec<f32> = self.images.iter().map(f).collect();
        Tensor::from_data(
            TensorData::new(values, [self.images.len(), 1, 1, 1]),
            device,
        )
    }

    /// 0, 1, …, side − 1 along `axis` (2: rows, 3: columns) of a `[1, 1, side, side]`-ready
    /// tensor, on `device`.
    fn positions(&self, axis: usize, device: &Device) -> Tensor<4> {
        let side = self.side;
        let values: Vec<f32> = (0..side).map(|i| i as f32).collect();
        let shape = if axis == 2 {
            [1, 1, side, 1]
        } else {
            [1, 1, 1, side]
        };
        Tensor::from_data(TensorData::new(values, shape), device)
    }

    /// `[batch, 1, side, side]` 0/1 matrices moving rows (or, `transposed`, columns) by each
    /// image's shift: M[i][k] = 1 where k = i + shift. Built on the device from the shifts, so a
    /// step uploads a few numbers per image rather than whole matrices.
    fn shift_matrices(
        &self,
        shift: fn(&ImageDraw) -> i32,
        transposed: bool,
        device: &Device,
    ) -> Tensor<4> {
        let shifts = self.per_image(|d| shift(d) as f32, device); // [batch, 1, 1, 1]
        let (out, from) = (self.positions(2, device), self.positions(3, device));
        let matrices = (from - out - shifts).abs().lower_elem(0.5).float(); // [batch, 1, s, s]
        if transposed {
            matrices.swap_dims(2, 3)
        } else {
            matrices
        }
    }

    /// `[batch, 1, side, side]`: 0 inside each image's cutout, 1 elsewhere (built on the device
    /// from each square's corner and side).
    fn keep_masks(&self, device: &Device) -> Tensor<4> {
        let corner = |pick: fn(&(i32, i32, i32)) -> i32| {
            self.per_image(
                move |d| d.cutout.as_ref().map_or(0.0, |c| pick(c) as f32),
                device,
            )
        };
        let cut = corner(|c| c.2); // [batch, 1, 1, 1]; 0: no cutout
        let inside = |positions: Tensor<4>, start: Tensor<4>| {
            let from_start = positions - start;
            from_start.clone().greater_equal_elem(0.0).float()
                * (from_start - cut.clone()).lower_elem(0.0).float()
        };
        let rows = inside(self.positions(2, device), corner(|c| c.0)); // [batch, 1, s, 1]
        let columns = inside(self.positions(3, device), corner(|c| c.1)); // [batch, 1, 1, s]
        (rows * columns).neg().add_scalar(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::Distribution;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn values(t: Tensor<4>) -> Vec<f32> {
        t.into_data().iter::<f32>().collect()
    }

    fn images(batch: usize, side: usize, seed: u64) -> Tensor<4> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let v: Vec<f32> = (0..batch * 3 * side * side)
            .map(|_| rng.random::<f32>() * 2.0 - 1.0)
            .collect();
        Tensor::from_data(TensorData::new(v, [batch, 3, side, side]), &Device::flex())
    }

    #[test]
    fn draws_stay_within_their_ranges() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for side in [32, 64] {
            let (reach, cut) = (side as i32 / 8, side as i32 / 2);
            let mut shifts = std::collections::HashSet::new();
            for _ in 0..4000 {
                let d = ImageDraw::draw(&mut rng, side, 1.0);
                assert!((-0.5..0.5).contains(&d.brightness));
                assert!((0.0..2.0).contains(&d.saturation));
                assert!((0.5..1.5).contains(&d.contrast));
                assert!(d.shift.0.abs() <= reach && d.shift.1.abs() <= reach);
                shifts.insert(d.shift.0);
                let (top, left, s) = d.cutout.expect("probability 1 always cuts");
                assert_eq!(s, cut);
                // The square overlaps the image: at least a quarter of it is inside.
                for start in [top, left] {
                    assert!(start >= -cut / 2 && start + cut <= side as i32 + cut / 2);
                }
            }
            assert_eq!(
                shifts.len(),
                (2 * reach + 1) as usize,
                "every shift is drawn"
            );
        }
    }

    #[test]
    fn probability_zero_changes_nothing_and_keeps_the_shape() {
        let x = images(4, 32, 2);
        let draw = BatchDraw::draw(&mut ChaCha8Rng::seed_from_u64(3), 4, 32, 0.0);
        assert!(draw.images.iter().all(|d| *d == ImageDraw::IDENTITY));
        let y = draw.apply(x.clone());
        assert_eq!(y.dims(), [4, 3, 32, 32]);
        for (a, b) in values(x).iter().zip(values(y)) {
            assert!((a - b).abs() < 1e-6);
        }
    }

    #[test]
    fn a_dose_applies_about_that_share_of_operations() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let draws: Vec<_> = (0..2000)
            .map(|_| ImageDraw::draw(&mut rng, 32, 0.3))
            .collect();
        let share = draws.iter().filter(|d| d.cutout.is_some()).count() as f64 / 2000.0;
        assert!((share - 0.3).abs() < 0.04, "cutout share {share}");
        let share = draws.iter().filter(|d| d.brightness != 0.0).count() as f64 / 2000.0;
        assert!((share - 0.3).abs() < 0.04, "brightness share {share}");
    }

    /// Each operation alone, against a direct per-pixel computation.
    #[test]
    fn each_operation_does_what_it_says() {
        let side = 8;
        let x = images(1, side, 5);
        let input = values(x.clone());
        let at = |v: &[f32], ch: usize, r: i32, c: i32| {
            if (0..side as i32).contains(&r) && (0..side as i32).contains(&c) {
                v[(ch * side + r as usize) * side + c as usize]
            } else {
                0.0
            }
        };
        let apply = |d: ImageDraw| {
            values(
                BatchDraw {
                    images: vec![d],
                    side,
                    chances: Vec::new(),
                }
                .apply(x.clone()),
            )
        };
        // Shift by (2, -1): output(i, j) = input(i + 2, j - 1), zero outside.
        let out = apply(ImageDraw {
            shift: (2, -1),
            ..ImageDraw::IDENTITY
        });
        for ch in 0..3 {
            for r in 0..side as i32 {
                for c in 0..side as i32 {
                    let want = at(&input, ch, r + 2, c - 1);
                    assert!((at(&out, ch, r, c) - want).abs() < 1e-6, "({r}, {c})");
                }
            }
        }
        // Cutout of a 4-square at (-1, 6): rows 0..3, columns 6..8 are zero, the rest kept.
        let out = apply(ImageDraw {
            cutout: Some((-1, 6, 4)),
            ..ImageDraw::IDENTITY
        });
        for r in 0..side as i32 {
            for c in 0..side as i32 {
                let cut = r < 3 && c >= 6;
                let want = if cut { 0.0 } else { at(&input, 1, r, c) };
                assert!((at(&out, 1, r, c) - want).abs() < 1e-6, "({r}, {c})");
            }
        }
        // Saturation 0 makes every channel the pixel's grey; contrast 0.5 halves the distance
        // to the image's mean; brightness adds.
        let out = apply(ImageDraw {
            saturation: 0.0,
            ..ImageDraw::IDENTITY
        });
        let grey = (at(&input, 0, 3, 4) + at(&input, 1, 3, 4) + at(&input, 2, 3, 4)) / 3.0;
        for ch in 0..3 {
            assert!((at(&out, ch, 3, 4) - grey).abs() < 1e-5);
        }
        let mean = input.iter().sum::<f32>() / input.len() as f32;
        let out = apply(ImageDraw {
            contrast: 0.5,
            brightness: 0.25,
            ..ImageDraw::IDENTITY
        });
        let want = (at(&input, 2, 5, 1) + 0.25 - (mean + 0.25)) * 0.5 + mean + 0.25;
        assert!((at(&out, 2, 5, 1) - want).abs() < 1e-5);
    }

    /// The gradient through every operation matches finite differences of a scalar
    /// function of the output (a fixed random weighting of its pixels).
    #[test]
    fn every_operation_is_differentiable() {
        let device = Device::flex().autodiff();
        let side = 8;
        let draw = BatchDraw {
            images: vec![
                ImageDraw {
                    brightness: 0.3,
                    saturation: 1.7,
                    contrast: 0.6,
                    shift: (1, -2),
                    cutout: Some((2, 3, 4)),
                },
                ImageDraw {
                    brightness: -0.2,
                    saturation: 0.4,
                    contrast: 1.3,
                    shift: (-1, 0),
                    cutout: Some((-2, -2, 4)),
                },
            ],
            side,
            chances: Vec::new(),
        };
        let x0 = values(images(2, side, 6));
        let weights = Tensor::<4>::random([2, 3, side, side], Distribution::Default, &device);
        let f = |x: &[f32]| -> f64 {
            let x =
                Tensor::<4>::from_data(TensorData::new(x.to_vec(), [2, 3, side, side]), &device);
            let y = draw.apply(x) * weights.clone();
            y.sum().into_scalar::<f32>() as f64
        };
        let x = Tensor::<4>::from_data(TensorData::new(x0.clone(), [2, 3, side, side]), &device)
            .require_grad();
        let y = (draw.apply(x.clone()) * weights.clone()).sum();
        let grads = y.backward();
        let analytic: Vec<f32> = x.grad(&grads).unwrap().into_data().iter::<f32>().collect();
        let h = 1e-2;
        let mut checked = 0;
        for i in (0..x0.len()).step_by(7) {
            let (mut up, mut down) = (x0.clone(), x0.clone());
            up[i] += h;
            down[i] -= h;
            let numeric = (f(&up) - f(&down)) / (2.0 * h as f64);
            assert!(
                (numeric - analytic[i] as f64).abs() < 2e-3,
                "pixel {i}: finite difference {numeric}, gradient {}",
                analytic[i]
            );
            checked += 1;
        }
        assert!(checked > 50);
        assert!(analytic.iter().filter(|g| g.abs() > 1e-4).count() > x0.len() / 2);
    }

    /// With the probability decided on the device, p = 0 changes nothing, p = 1 is the same as
    /// every operation drawn on the host, and a p between applies exactly the operations whose
    /// chance is below it.
    #[test]
    fn a_probability_on_the_device_applies_the_operations_whose_chance_is_below_it() {
        let device = Device::flex();
        let x = images(6, 16, 10);
        let draw = BatchDraw::draw_all(&mut ChaCha8Rng::seed_from_u64(11), 6, 16);
        let p = |v: f32| Tensor::<1>::from_floats([v], &device);
        let close = |a: Vec<f32>, b: Vec<f32>| a.iter().zip(&b).all(|(a, b)| (a - b).abs() < 1e-5);
        assert!(close(
            values(draw.apply_with_probability(x.clone(), p(0.0))),
            values(x.clone())
        ));
        assert!(close(
            values(draw.apply_with_probability(x.clone(), p(1.0))),
            values(draw.apply(x.clone()))
        ));
        let half = 0.5;
        let on_host = BatchDraw {
            images: draw
                .images
                .iter()
                .zip(&draw.chances)
                .map(|(d, chance)| ImageDraw {
                    brightness: if chance[0] < half { d.brightness } else { 0.0 },
                    saturation: if chance[1] < half { d.saturation } else { 1.0 },
                    contrast: if chance[2] < half { d.contrast } else { 1.0 },
                    shift: if chance[3] < half { d.shift } else { (0, 0) },
                    cutout: if chance[4] < half { d.cutout } else { None },
                })
                .collect(),
            side: 16,
            chances: Vec::new(),
        };
        let applied = draw.chances.iter().flatten().filter(|&&c| c < half).count();
        assert!((5..25).contains(&applied), "a mix: {applied} of 30");
        assert!(close(
            values(draw.apply_with_probability(x.clone(), p(half))),
            values(on_host.apply(x))
        ));
    }

    #[test]
    fn one_seed_one_augmentation() {
        let x = images(3, 32, 7);
        let a = BatchDraw::draw(&mut ChaCha8Rng::seed_from_u64(8), 3, 32, 1.0);
        let b = BatchDraw::draw(&mut ChaCha8Rng::seed_from_u64(8), 3, 32, 1.0);
        assert_eq!(a, b);
        assert_eq!(values(a.apply(x.clone())), values(b.apply(x.clone())));
        let c = BatchDraw::draw(&mut ChaCha8Rng::seed_from_u64(9), 3, 32, 1.0);
        assert_ne!(values(a.apply(x.clone())), values(c.apply(x)));
    }
}
