//! Built-in datasets drawn in code, so a class can train without any files.

#[cfg(feature = "burn")]
use burn::tensor::Device;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[cfg(feature = "burn")]
use crate::data::Dataset;

/// A family of procedurally drawn images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Procedural {
    /// One soft coloured ring on a dark background, at a random place, size and hue.
    Rings,
    /// Diagonal stripes of two random colours at a random angle and frequency.
    Stripes,
}

impl Procedural {
    /// Every family, in the order a UI lists them.
    pub const ALL: [Procedural; 2] = [Procedural::Rings, Procedural::Stripes];

    /// A short human name.
    pub fn label(self) -> &'static str {
        match self {
            Procedural::Rings => "Rings (drawn in code)",
            Procedural::Stripes => "Stripes (drawn in code)",
        }
    }

    /// `count` images, `channels × size × size` each, row-major, in [-1, 1].
    pub fn pixels(self, count: usize, channels: usize, size: usize, seed: u64) -> Vec<f32> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut out = Vec::with_capacity(count * channels * size * size);
        for _ in 0..count {
            let colour = random_colour(&mut rng);
            let image: Vec<[f32; 3]> = match self {
                Procedural::Rings => ring(&mut rng, size, colour),
                Procedural::Stripes => stripes(&mut rng, size, colour),
            };
            for c in 0..channels {
                out.extend(image.iter().map(|rgb| {
                    let v = if channels == 1 {
                        0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]
                    } else {
                        rgb[c]
                    };
                    v * 2.0 - 1.0
                }));
            }
        }
        out
    }

    #[cfg(feature = "burn")]
    /// A seeded [`Dataset`] of `count` images on `device`, with random flips.
    pub fn dataset(
        self,
        count: usize,
        channels: usize,
        size: usize,
        device: &Device,
        seed: u64,
    ) -> Dataset {
        let pixels = self.pixels(count, channels, size, seed);
        Dataset::from_pixels(pixels, channels, size, device, seed, true)
    }
}

fn random_colour(rng: &mut ChaCha8Rng) -> [f32; 3] {
    // A saturated hue: one channel high, one low, one anywhere.
    let mut c = [0.95, 0.15, rng.random_range(0.1..0.95)];
    let shift = rng.random_range(0..3);
    c.rotate_left(shift);
    if rng.random::<bool>() {
        c.swap(0, 1);
    }
    c
}

fn ring(rng: &mut ChaCha8Rng, size: usize, colour: [f32; 3]) -> Vec<[f32; 3]> {
    let s = size as f32;
    let radius = rng.random_range(0.18..0.32) * s;
    let cx = rng.random_range(radius + 1.0..s - radius - 1.0);
    let cy = rng.random_range(radius + 1.0..s - radius - 1.0);
    let width = 0.06 * s;
    let background = [0.08, 0.08, 0.12];
    (0..size * size)
        .map(|i| {
            let (x, y) = ((i % size) as f32 + 0.5, (i / size) as f32 + 0.5);
            let d = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt();
            // Smooth edge: 1 on the ring, falling to 0 over about a pixel.
            let a = (1.0 - ((d - radius).abs() - width).max(0.0)).clamp(0.0, 1.0);
            std::array::from_fn(|c| background[c] + a * (colour[c] - background[c]))
        })
        .collect()
}

fn stripes(rng: &mut ChaCha8Rng, size: usize, colour: [f32; 3]) -> Vec<[f32; 3]> {
    let angle = rng.random_range(0.0..std::f32::consts::PI);
    let period = rng.random_range(0.2..0.45) * size as f32;
    let phase = rng.random_range(0.0..period);
    let other = [1.0 - colour[0], 1.0 - colour[1], 1.0 - colour[2]];
    let (dx, dy) = (angle.cos(), angle.sin());
    (0..size * size)
        .map(|i| {
            let (x, y) = ((i % size) as f32, (i / size) as f32);
            let t = ((x * dx + y * dy + phase) / period * std::f32::consts::TAU).sin();
            let a = (t * 2.0).clamp(-1.0, 1.0) * 0.5 + 0.5;
            std::array::from_fn(|c| other[c] + a * (colour[c] - other[c]))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixels_are_in_range_and_seeded() {
        for family in Procedural::ALL {
            for channels in [1, 3] {
                let p = family.pixels(4, channels, 32, 1);
                assert_eq!(p.len(), 4 * channels * 32 * 32);
                assert!(p.iter().all(|v| (-1.0..=1.0).contains(v)));
                assert_eq!(p, family.pixels(4, channels, 32, 1));
                assert_ne!(p, family.pixels(4, channels, 32, 2));
            }
        }
    }
}
