//! The page's shipped generators (`public/pretrained/`): small enough to ship, loadable, and
//! drawing varied images.

use burn::module::Module;
use burn::tensor::{Device, Tensor, TensorData};
use model::checkpoint;

/// The most a shipped generator may weigh (issue 12).
const MAX_BYTES: usize = 2_000_000;

fn shipped() -> Vec<(String, Vec<u8>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../public/pretrained");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("public/pretrained")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "gan"))
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn each_shipped_generator_is_small_loads_and_draws_varied_images() {
    let files = shipped();
    assert!(files.len() >= 3, "faces, emoji and digits");
    let device = Device::flex();
    for (name, bytes) in files {
        assert!(bytes.len() <= MAX_BYTES, "{name}: {} bytes", bytes.len());
        // The generator alone in half precision: about two bytes per weight of G, no D.
        let (config, step, generator) = checkpoint::load_generator(&bytes, &device).unwrap();
        let half_g = 2 * model::Generator::new(&config, &device).num_params();
        assert!(
            bytes.len() < half_g + 50_000,
            "{name}: {} bytes for {half_g} bytes of f16 weights",
            bytes.len()
        );
        assert!(step > 0, "{name} is trained");
        assert!(
            checkpoint::is_calibrated(&bytes).unwrap(),
            "{name}: drawn as it is"
        );
        let z = model::latent::seeded_normal(3, 16, config.latent_size);
        let z = Tensor::<2>::from_data(
            TensorData::new(z.concat(), [16, config.latent_size]),
            &device,
        );
        let images: Vec<f32> = generator.forward(z).into_data().iter::<f32>().collect();
        assert!(
            images.iter().all(|v| v.is_finite() && v.abs() <= 1.0),
            "{name}"
        );
        // Different z, different images: the per-pixel spread over the 16 is not tiny.
        let per = images.len() / 16;
        let spread = (0..per)
            .map(|i| {
                let column: Vec<f32> = images.iter().skip(i).step_by(per).copied().collect();
                let mean = column.iter().sum::<f32>() / 16.0;
                column.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / 16.0
            })
            .sum::<f32>()
            / per as f32;
        assert!(spread > 0.01, "{name}: per-pixel variance {spread}");
        // And a run can start from it (the whole file loads for training too).
        assert_eq!(checkpoint::load(&bytes, &device).unwrap().step, step);
    }
}
