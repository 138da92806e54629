//! The DCGAN learns: after a few hundred steps on a procedural dataset, its samples are much
//! closer to the data (sliced Wasserstein distance) than the untrained generator's.

use burn::tensor::Device;
use model::latent::seeded_normal;
use model::procedural::Procedural;
use model::swd::{SwdConfig, sliced_wasserstein};
use model::{Gan, GanConfig, burn};

const SAMPLES: usize = 64;
const STEPS: usize = 500;
/// Grey images: the colour of each ring is a distraction this short run need not learn.
const CHANNELS: usize = 1;

fn swd(a: &[f32], b: &[f32]) -> f32 {
    let config = SwdConfig {
        patches_per_image: 64,
        ..Default::default()
    };
    sliced_wasserstein(a, b, CHANNELS, 32, &config).mean
}

fn samples(gan: &Gan) -> Vec<f32> {
    let z = seeded_normal(99, SAMPLES, gan.config.latent_size);
    gan.sample(&z).into_data().iter::<f32>().collect()
}

#[test]
fn samples_approach_the_data() {
    let device = Device::flex();
    let config = GanConfig::new()
        .with_latent_size(32)
        .with_generator_width(16)
        .with_discriminator_width(16)
        .with_batch_size(32)
        .with_channels(CHANNELS)
        .with_seed(1);
    let mut data = Procedural::Rings.dataset(256, CHANNELS, 32, &device, 1);
    let real = Procedural::Rings.pixels(SAMPLES, CHANNELS, 32, 1234);
    let floor = swd(&real, &Procedural::Rings.pixels(SAMPLES, CHANNELS, 32, 777));
    let mut gan = Gan::new(config, &device).unwrap();
    let before = swd(&real, &samples(&gan));
    for _ in 0..STEPS {
        gan.train_step(&mut data);
    }
    let after = swd(&real, &samples(&gan));
    if let Ok(dir) = std::env::var("LEARNING_GRID_DIR") {
        let grid = model::images::grid(&samples(&gan), CHANNELS, 32, 8, 8, 2);
        grid.save(format!("{dir}/learning_samples.png")).unwrap();
    }
    eprintln!(
        "SWD×1e3 to the data: untrained {before:.1}, after {STEPS} steps {after:.1} \
         (two draws of the data: {floor:.1})"
    );
    assert!(after < 0.6 * before, "untrained {before}, trained {after}");
}
