//! Sliced Wasserstein distance between two image sets on Laplacian-pyramid patches
//! (Karras et al. 2018, `metrics/sliced_wasserstein.py`): a quality score that falls as the
//! generated images' local structure approaches the real images' at every scale.

use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// Settings of the metric; the defaults are Karras et al.'s.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SwdConfig {
    /// Side of the square patches.
    pub patch: usize,
    /// Patches drawn from each image at each level.
    pub patches_per_image: usize,
    /// Independent sets of random directions; their results are averaged.
    pub repeats: usize,
    /// Random directions per set.
    pub directions: usize,
    /// Seed of patch positions and directions.
    pub seed: u64,
}

impl Default for SwdConfig {
    fn default() -> Self {
        Self {
            patch: 7,
            patches_per_image: 128,
            repeats: 4,
            directions: 128,
            seed: 0,
        }
    }
}

impl SwdConfig {
    /// A lighter setting for watching a run (a quarter of the patches, half the repeats and
    /// directions): what the page and `gan-train` measure every few hundred steps, where speed
    /// matters more than the last digit.
    pub fn quick() -> Self {
        Self {
            patches_per_image: 32,
            repeats: 2,
            directions: 64,
            ..Default::default()
        }
    }
}

/// The distance at each pyramid level (finest first) and their mean, ×10³ as Karras reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Swd {
    /// One value per level, from the full resolution down to 16×16.
    pub levels: Vec<f32>,
    /// Mean over the levels.
    pub mean: f32,
}

/// A stack of images `[count, channels, size, size]`, row-major.
struct Batch {
    data: Vec<f32>,
    count: usize,
    channels: usize,
    size: usize,
}

const GAUSS: [f32; 5] = [1.0 / 16.0, 4.0 / 16.0, 6.0 / 16.0, 4.0 / 16.0, 1.0 / 16.0];

/// scipy's `mode='mirror'`: reflect about the edge sample without repeating it.
fn mirror(i: isize, n: usize) -> usize {
    let n = n as isize;
    if n == 1 {
        return 0;
    }
    let period = 2 * (n - 1);
    let mut i = i.rem_euclid(period);
    if i >= n {
        i = period - i;
    }
    i as usize
}

impl Batch {
    fn at(&self, img: usize, c: usize, y: usize, x: usize) -> f32 {
        self.data[((img * self.channels + c) * self.size + y) * self.size + x]
    }

    /// Separable 5×5 binomial blur with mirror edges, scaled by `gain`.
    fn blur(&self, gain: f32) -> Batch {
        let s = self.size;
        let mut tmp = vec![0.0; self.data.len()];
        let mut out = vec![0.0; self.data.len()];
        for plane in 0..self.count * self.channels {
            let base = plane * s * s;
            for y in 0..s {
                for x in 0..s {
                    tmp[base + y * s + x] = (0..5)
                        .map(|k| {
                            GAUSS[k]
                                * self.data[base + y * s + mirror(x as isize + k as isize - 2, s)]
                        })
                        .sum();
                }
            }
            for y in 0..s {
                for x in 0..s {
                    out[base + y * s + x] = gain
                        * (0..5)
                            .map(|k| {
                                GAUSS[k]
                                    * tmp[base + mirror(y as isize + k as isize - 2, s) * s + x]
                            })
                            .sum::<f32>();
                }
            }
        }
        Batch { data: out, ..*self }
    }

    /// cv2.pyrDown: blur, keep even pixels.
    fn down(&self) -> Batch {
        let blurred = self.blur(1.0);
        let half = self.size / 2;
        let mut data = Vec::with_capacity(self.count * self.channels * half * half);
        for plane in 0..self.count * self.channels {
            for y in 0..half {
                for x in 0..half {
                    data.push(blurred.data[(plane * self.size + 2 * y) * self.size + 2 * x]);
                }
            }
        }
        Batch {
            data,
            size: half,
            ..*self
        }
    }

    /// cv2.pyrUp: zero-stuff to double size, blur with gain 4.
    fn up(&self) -> Batch {
        let size = self.size * 2;
        let mut data = vec![0.0; self.count * self.channels * size * size];
        for plane in 0..self.count * self.channels {
            for y in 0..self.size {
                for x in 0..self.size {
                    data[(plane * size + 2 * y) * size + 2 * x] =
                        self.data[(plane * self.size + y) * self.size + x];
                }
            }
        }
        Batch {
            data,
            size,
            ..*self
        }
        .blur(4.0)
    }
}

fn laplacian_pyramid(images: Batch, levels: usize) -> Vec<Batch> {
    let mut pyramid = vec![images];
    for _ in 1..levels {
        let down = pyramid.last().expect("not empty").down();
        let up = down.up();
        let fine = pyramid.last_mut().expect("not empty");
        fine.data
            .iter_mut()
            .zip(&up.data)
            .for_each(|(f, u)| *f -= u);
        pyramid.push(down);
    }
    pyramid
}

/// Random `patch × patch` neighbourhoods, `[count · per_image, channels · patch²]`.
fn patches(level: &Batch, config: &SwdConfig, rng: &mut ChaCha8Rng) -> Vec<Vec<f32>> {
    let h = config.patch / 2;
    let mut out = Vec::with_capacity(level.count * config.patches_per_image);
    for img in 0..level.count {
        for _ in 0..config.patches_per_image {
            let cx = rng.random_range(h..level.size - h);
            let cy = rng.random_range(h..level.size - h);
            let mut d = Vec::with_capacity(level.channels * config.patch * config.patch);
            for c in 0..level.channels {
                for y in cy - h..=cy + h {
                    for x in cx - h..=cx + h {
                        d.push(level.at(img, c, y, x));
                    }
                }
            }
            out.push(d);
        }
    }
    out
}

/// Subtracts each channel's mean and divides by its standard deviation, over all descriptors.
fn normalise(desc: &mut [Vec<f32>], channels: usize) {
    let per_channel = desc.first().map_or(0, |d| d.len() / channels);
    for c in 0..channels {
        let range = c * per_channel..(c + 1) * per_channel;
        let n = (desc.len() * per_channel) as f64;
        let mean = desc
            .iter()
            .flat_map(|d| &d[range.clone()])
            .map(|&v| v as f64)
            .sum::<f64>()
            / n;
        let var = desc
            .iter()
            .flat_map(|d| &d[range.clone()])
            .map(|&v| (v as f64 - mean).powi(2))
            .sum::<f64>()
            / n;
        let std = var.sqrt().max(1e-8);
        for d in desc.iter_mut() {
            d[range.clone()]
                .iter_mut()
                .for_each(|v| *v = ((*v as f64 - mean) / std) as f32);
        }
    }
}

fn sliced(a: &[Vec<f32>], b: &[Vec<f32>], config: &SwdConfig, rng: &mut ChaCha8Rng) -> f32 {
    let dim = a[0].len();
    let mut total = 0.0;
    for _ in 0..config.repeats {
        let mut sum = 0.0f64;
        for _ in 0..config.directions {
            let mut dir: Vec<f32> = (0..dim).map(|_| StandardNormal.sample(rng)).collect();
            let n = dir.iter().map(|x| x * x).sum::<f32>().sqrt();
            dir.iter_mut().for_each(|x| *x /= n);
            let project = |set: &[Vec<f32>]| {
                let mut p: Vec<f32> = set
                    .iter()
                    .map(|d| d.iter().zip(&dir).map(|(x, y)| x * y).sum())
                    .collect();
                p.sort_by(f32::total_cmp);
                p
            };
            let (pa, pb) = (project(a), project(b));
            sum += pa
                .iter()
                .zip(&pb)
                .map(|(x, y)| (x - y).abs() as f64)
                .sum::<f64>();
        }
        total += sum / (config.directions * a.len()) as f64;
    }
    (total / config.repeats as f64) as f32
}

/// SWD between two equally many images (`count × channels × size × size` in each slice).
pub fn sliced_wasserstein(
    real: &[f32],
    fake: &[f32],
    channels: usize,
    size: usize,
    config: &SwdConfig,
) -> Swd {
    assert_eq!(real.len(), fake.len(), "SWD compares equally many images");
    assert!(
        size >= 16 && size > config.patch,
        "SWD needs images of at least 16×16"
    );
    let count = real.len() / (channels * size * size);
    let levels = (size / 16).trailing_zeros() as usize + 1; // 32 → 2 levels, 64 → 3
    let pyramid = |data: &[f32]| {
        laplacian_pyramid(
            Batch {
                data: data.to_vec(),
                count,
                channels,
                size,
            },
            levels,
        )
    };
    let (pa, pb) = (pyramid(real), pyramid(fake));
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let levels: Vec<f32> = pa
        .iter()
        .zip(&pb)
        .map(|(la, lb)| {
            let mut da = patches(la, config, &mut rng);
            let mut db = patches(lb, config, &mut rng);
            normalise(&mut da, channels);
            normalise(&mut db, channels);
            sliced(&da, &db, config, &mut rng) * 1e3
        })
        .collect();
    let mean = levels.iter().sum::<f32>() / levels.len() as f32;
    Swd { levels, mean }
}

/// SWD measured `seeds` times, with seeds 0, 1, … of the patches and directions: how much of a
/// change between two measurements is only the measure's own noise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SwdSpread {
    /// Mean of the measurements (×10³).
    pub mean: f32,
    /// The lowest.
    pub low: f32,
    /// The highest.
    pub high: f32,
}

/// [`sliced_wasserstein`]'s mean over `seeds` (≥ 1) seeds of `config`, with its range.
pub fn sliced_wasserstein_spread(
    real: &[f32],
    fake: &[f32],
    channels: usize,
    size: usize,
    config: &SwdConfig,
    seeds: u64,
) -> SwdSpread {
    let values: Vec<f32> = (0..seeds.max(1))
        .map(|seed| {
            let config = SwdConfig { seed, ..*config };
            sliced_wasserstein(real, fake, channels, size, &config).mean
        })
        .collect();
    SwdSpread {
        mean: values.iter().sum::<f32>() / values.len() as f32,
        low: values.iter().copied().fold(f32::INFINITY, f32::min),
        high: values.iter().copied().fold(f32::NEG_INFINITY, f32::max),
    }
}

/// The learning benchmark's score (`gan-train --score`, `tests/bench/learning/`): the SWD×10³
/// of `fake` (64 or more images) against 64 of the `real` images, averaged over three seeds of
/// the projections, each with its own seeded choice of real images (every image once before
/// any twice), so that a set of any size is compared with the same number of samples.
pub fn benchmark_score(real: &[f32], fake: &[f32], channels: usize, size: usize) -> f32 {
    const SAMPLES: usize = 64;
    const SEEDS: u64 = 3;
    let per_image = channels * size * size;
    let (reals, fakes): (Vec<&[f32]>, Vec<&[f32]>) = (
        real.chunks_exact(per_image).collect(),
        fake.chunks_exact(per_image).collect(),
    );
    assert!(
        !reals.is_empty() && fakes.len() >= SAMPLES,
        "64 samples and some images"
    );
    let fake: Vec<f32> = fakes[..SAMPLES].concat();
    let total: f32 = (0..SEEDS)
        .map(|seed| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut order: Vec<usize> = Vec::new();
            while order.len() < SAMPLES {
                let mut round: Vec<usize> = (0..reals.len()).collect();
                for i in (1..round.len()).rev() {
                    round.swap(i, rng.random_range(0..=i));
                }
                order.extend(round);
            }
            let real: Vec<f32> = order[..SAMPLES]
                .iter()
                .flat_map(|&i| reals[i].to_vec())
                .collect();
            let config = SwdConfig {
                seed,
                ..Default::default()
            };
            sliced_wasserstein(&real, &fake, channels, size, &config).mean
        })
        .sum();
    total / SEEDS as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::procedural::Procedural;

    fn quick() -> SwdConfig {
        SwdConfig {
            patches_per_image: 32,
            repeats: 2,
            directions: 32,
            ..Default::default()
        }
    }

    #[test]
    fn mirror_matches_scipy() {
        // scipy 'mirror' on [a b c d]: ... c b | a b c d | c b a ...
        let got: Vec<usize> = (-3..7).map(|i| mirror(i, 4)).collect();
        assert_eq!(got, vec![3, 2, 1, 0, 1, 2, 3, 2, 1, 0]);
    }

    #[test]
    fn pyramid_reconstructs_the_image() {
        let data = Procedural::Rings.pixels(2, 3, 32, 0);
        let pyr = laplacian_pyramid(
            Batch {
                data: data.clone(),
                count: 2,
                channels: 3,
                size: 32,
            },
            2,
        );
        assert_eq!(pyr[1].size, 16);
        let rebuilt: Vec<f32> = pyr[0]
            .data
            .iter()
            .zip(&pyr[1].up().data)
            .map(|(a, b)| a + b)
            .collect();
        assert!(rebuilt.iter().zip(&data).all(|(a, b)| (a - b).abs() < 1e-5));
    }

    #[test]
    fn same_distribution_is_closer_than_a_different_one() {
        let rings_a = Procedural::Rings.pixels(32, 3, 32, 1);
        let rings_b = Procedural::Rings.pixels(32, 3, 32, 2);
        let stripes = Procedural::Stripes.pixels(32, 3, 32, 3);
        let same = sliced_wasserstein(&rings_a, &rings_b, 3, 32, &quick());
        let other = sliced_wasserstein(&rings_a, &stripes, 3, 32, &quick());
        assert_eq!(same.levels.len(), 2);
        assert!(
            same.mean * 2.0 < other.mean,
            "same {same:?} vs other {other:?}"
        );
    }

    #[test]
    fn the_spread_brackets_its_mean_and_is_the_seeds_own() {
        let rings_a = Procedural::Rings.pixels(32, 3, 32, 1);
        let rings_b = Procedural::Rings.pixels(32, 3, 32, 2);
        let spread = sliced_wasserstein_spread(&rings_a, &rings_b, 3, 32, &quick(), 3);
        assert!(
            spread.low <= spread.mean && spread.mean <= spread.high,
            "{spread:?}"
        );
        assert!(
            spread.low < spread.high,
            "three seeds disagree a little: {spread:?}"
        );
        let seed_1 =
            sliced_wasserstein(&rings_a, &rings_b, 3, 32, &SwdConfig { seed: 1, ..quick() });
        assert!((spread.low..=spread.high).contains(&seed_1.mean));
        let one = sliced_wasserstein_spread(&rings_a, &rings_b, 3, 32, &quick(), 1);
        assert_eq!((one.low, one.high), (one.mean, one.mean));
    }

    #[test]
    fn the_benchmark_score_ranks_copies_above_noise_for_any_set_size() {
        let (c, size) = (3, 32);
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        // 40 smooth images (fewer than 64: each is used at least once) and noise.
        let real: Vec<f32> = (0..40)
            .flat_map(|n| {
                (0..c * size * size).map(move |i| (((i % size) as f32 + n as f32) / 20.0).sin())
            })
            .collect();
        let noise: Vec<f32> = (0..64 * c * size * size)
            .map(|_| rng.random::<f32>() * 2.0 - 1.0)
            .collect();
        let copies: Vec<f32> = real
            .iter()
            .chain(&real[..24 * c * size * size])
            .copied()
            .collect();
        let copied = benchmark_score(&real, &copies, c, size);
        let noisy = benchmark_score(&real, &noise, c, size);
        assert!(copied < 0.5 * noisy, "copies {copied}, noise {noisy}");
        assert_eq!(copied, benchmark_score(&real, &copies, c, size), "seeded");
    }
}
