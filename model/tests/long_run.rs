//! Issue 14's regression test: a long run on a small set of real images does not fall apart.
//!
//! 3 000 steps on the 131 food images of `public/datasets/food` (the set the collapse was
//! reproduced on), with the default recipe at a width that fits CI's time (16 instead of 64,
//! batch 32). Every 250 steps the samples' SWD to the images is measured; at the end the run
//! must be within [`MARGIN`] of its best and far from noise ([`NOISE_FRACTION`] of the SWD of
//! uniform noise). The figures are printed (`-- --nocapture`) for the README.

use burn::tensor::Device;
use model::health::{RunWatch, WatchConfig};
use model::latent::seeded_normal;
use model::swd::{SwdConfig, sliced_wasserstein};
use model::{Dataset, Gan, GanConfig, burn, images};
use rand::{Rng, SeedableRng};

const STEPS: u64 = 3_000;
const EVERY: u64 = 250;
/// The final SWD may exceed the best by at most this factor.
const MARGIN: f32 = 1.3;
/// … and must stay below this fraction of noise's SWD.
const NOISE_FRACTION: f32 = 0.5;
const SAMPLES: usize = 64;

fn food(size: usize) -> Vec<f32> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public/datasets/food");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    files.sort();
    assert!(files.len() >= 100, "the food set is in {}", dir.display());
    files
        .iter()
        .flat_map(|p| {
            let name = p.display().to_string();
            images::load(&name, &std::fs::read(p).unwrap(), size, 3).unwrap()
        })
        .collect()
}

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
    let pixels = food(size);
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
}
