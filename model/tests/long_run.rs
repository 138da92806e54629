//! Issue 14's regression test: a long run on a small set of real images does not fall apart.
//!
//! 3 000 steps on the 131 food images of `public/datasets/food` (the set the collapse was
//! reproduced on), with the default recipe at a width that fits CI's time (16 instead of 64,
//! batch 32). Every 250 steps the samples' SWD to the images is measured; at the end the run
//! must be within [`MARGIN`] of its best and far from noise ([`NOISE_FRACTION`] of the SWD of
//! uniform noise). The figures are printed (`-- --nocapture`) for the README.
//!
//! The same run also checks issue 12's averaged generator (EMA), which the page shows, against
//! the raw generator (plain DCGAN: the EMA does not change training, so the raw G *is* the plain
//! run), over the second half of the run (the first lags behind a G that still improves fast):
//! - it averages: between two measurements its samples (same z) move less than the raw G's, by
//!   [`DRIFT_RATIO`];
//! - it does not cost quality: its SWD is not worse than the raw G's beyond the noise (paired
//!   differences, [`SPREADS`] standard errors).
//!
//! Whether it is *better* at this width is not asserted: the paired gain was 1.2 ± 0.7 SWD×10³
//! on an AVX-512 machine and −0.5 ± 0.8 on an AMD EPYC one (gemm's kernels differ, so does the
//! run). The size of the gain is the learning benchmark's to report
//! (`tests/bench/learning/compare.sh`).

use burn::tensor::Device;
use model::health::{RunWatch, WatchConfig};
use model::latent::seeded_normal;
use model::swd::{SwdConfig, sliced_wasserstein};
use model::{Dataset, Gan, GanConfig, burn};
use rand::{Rng, SeedableRng};

mod common;

const STEPS: u64 = 3_000;
const EVERY: u64 = 250;
/// The final SWD may exceed the best by at most this factor.
const MARGIN: f32 = 1.3;
/// … and must stay below this fraction of noise's SWD.
const NOISE_FRACTION: f32 = 0.5;
const SAMPLES: usize = 64;
/// Standard errors within which the EMA's SWD may trail the raw G's.
const SPREADS: f32 = 2.0;
/// The averaged G's samples move at most this fraction of the raw G's between measurements
/// (an average that does not average moves as much: 1; measured on an AMD EPYC: 0.61, both
/// move also because both still learn).
const DRIFT_RATIO: f32 = 0.8;

#[test]
fn a_long_run_on_a_small_set_ends_near_its_best() {
    let device = Device::flex();
    let config = GanConfig::new()
        .with_generator_width(16)
        .with_discriminator_width(16)
        .with_latent_size(32)
        .with_batch_size(32)
        .with_seed(0);
    let size = config.image_size;
    let per = 3 * size * size;
    let pixels = common::food(size, usize::MAX);
    let real: Vec<f32> = pixels[..SAMPLES * per].to_vec();
    let mut noise_rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let noise: Vec<f32> = (0..real.len())
        .map(|_| noise_rng.random_range(-1.0..1.0))
        .collect();
    let swd = |fake: &[f32]| sliced_wasserstein(&real, fake, 3, size, &SwdConfig::quick()).mean;
    let noise_swd = swd(&noise);

    let mut data = Dataset::from_pixels(pixels, 3, size, &device, config.seed, true);
    let mut gan = Gan::new(config.clone(), &device).unwrap();
    let mut watch = RunWatch::new(config.loss, WatchConfig::default());
    let z = seeded_normal(1, SAMPLES, config.latent_size);
    let mut curve = Vec::new();
    let mut raw_curve = Vec::new();
    // Each measurement's samples, averaged G and raw G, for how far they moved since the last.
    let mut drifts: Vec<(f32, f32)> = Vec::new();
    let mut previous: Option<(Vec<f32>, Vec<f32>)> = None;
    while gan.step < STEPS {
        let stats = gan.train_step(&mut data);
        if gan.step.is_multiple_of(10) {
            let values = pollster::block_on(stats.read()).unwrap();
            assert!(values.is_finite(), "step {}: {values:?}", gan.step);
            if let Some(alarm) = watch.observe_step(gan.step, &values) {
                eprintln!("alarm: {}", alarm.describe());
            }
        }
        if gan.step.is_multiple_of(EVERY) {
            let samples: Vec<f32> = gan.sample_batch(&z).into_data().iter::<f32>().collect();
            let value = swd(&samples);
            if let Some(alarm) = watch.observe_quality(gan.step, value) {
                eprintln!("alarm: {}", alarm.describe());
            }
            curve.push((gan.step, value));
            let raw: Vec<f32> = gan
                .sample_batch_with(&gan.raw_generator(), &z)
                .into_data()
                .iter::<f32>()
                .collect();
            raw_curve.push(swd(&raw));
            if let Some((ema_before, raw_before)) = &previous {
                drifts.push((
                    mean_abs_diff(&samples, ema_before),
                    mean_abs_diff(&raw, raw_before),
                ));
            }
            previous = Some((samples, raw));
        }
    }
    let (best_step, best) = watch.best().unwrap();
    let last = curve.last().unwrap().1;
    let line: Vec<String> = curve.iter().map(|(s, v)| format!("{s}: {v:.1}")).collect();
    eprintln!(
        "SWD×10³ every {EVERY} steps: {}; best {best:.1} at step {best_step}, final {last:.1}, \
         noise {noise_swd:.1}",
        line.join(", ")
    );
    assert!(
        last <= best * MARGIN,
        "ended at {last:.1}, more than {MARGIN}× its best {best:.1} (step {best_step})"
    );
    assert!(
        last < NOISE_FRACTION * noise_swd,
        "ended at {last:.1}, near noise ({noise_swd:.1})"
    );

    // The averaged G against the raw G (plain DCGAN), paired step by step over the second half.
    let half = curve.len() / 2;
    let gains: Vec<f32> = raw_curve[half..]
        .iter()
        .zip(&curve[half..])
        .map(|(raw, (_, ema))| raw - ema)
        .collect();
    let n = gains.len() as f32;
    let mean = gains.iter().sum::<f32>() / n;
    let sd = (gains.iter().map(|g| (g - mean).powi(2)).sum::<f32>() / (n - 1.0)).sqrt();
    let se = sd / n.sqrt();
    let raw_line: Vec<String> = raw_curve.iter().map(|v| format!("{v:.1}")).collect();
    // drifts[i] is from measurement i to i + 1: the second half's moves end in it.
    let late = &drifts[half - 1..];
    let ema_drift = late.iter().map(|d| d.0).sum::<f32>() / late.len() as f32;
    let raw_drift = late.iter().map(|d| d.1).sum::<f32>() / late.len() as f32;
    eprintln!(
        "raw G (plain DCGAN) at the same steps: {}; the average's gain over the second half \
         {mean:.1} ± {se:.1} (standard error); samples moved {ema_drift:.4} (averaged G) vs \
         {raw_drift:.4} (raw G) per {EVERY} steps, mean |Δpixel|",
        raw_line.join(", "),
    );
    assert!(
        ema_drift < DRIFT_RATIO * raw_drift,
        "the averaged G's samples moved {ema_drift:.4} per {EVERY} steps, the raw G's \
         {raw_drift:.4}: it does not average"
    );
    assert!(
        mean > -SPREADS * se,
        "the averaged G is worse than the raw one beyond the noise: gains {gains:?}"
    );
}

/// Mean absolute difference of two equally long pixel lists.
fn mean_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f32>() / a.len() as f32
}
