//! Ten whole training steps (D update, then G update; batch norm in training mode, BCE with
//! logits, Adam with bias correction) match PyTorch on identical weights and inputs
//! (fixture made by `fixtures/make_step_parity.py`).
//!
//! This rules out the numerics of the update itself as the cause of a run that diverges from
//! the PyTorch reference: losses, every backward pass and the optimiser agree to float precision.

use burn::module::{Module, Param};
use burn::tensor::{Device, Tensor, TensorData};
use model::{Gan, GanConfig, burn};

/// The hash of `make_step_parity.py`: a value in [0, 1) for index `k` of `stream`.
fn hash_unit(k: u32, stream: u32) -> f64 {
    let mut h = k
        .wrapping_mul(0x9E37_79B1)
        .wrapping_add(stream.wrapping_mul(0x85EB_CA77));
    h ^= h >> 15;
    h = h.wrapping_mul(0x2C1B_3C6D);
    h ^= h >> 12;
    h = h.wrapping_mul(0x297A_2D39);
    h ^= h >> 15;
    h as f64 / 4_294_967_296.0
}

fn filled<const D: usize>(shape: [usize; D], stream: u32, scale: f64, offset: f64) -> TensorData {
    let n: usize = shape.iter().product();
    let values: Vec<f32> = (0..n as u32)
        .map(|k| (offset + (hash_unit(k, stream) - 0.5) * scale) as f32)
        .collect();
    TensorData::new(values, shape)
}

/// Replaces a parameter's value by the hash fill of `make_step_parity.py` for its `stream`.
fn fill<const D: usize>(param: &mut Param<Tensor<D>>, name: &str, stream: u32, device: &Device) {
    let shape: [usize; D] = param.shape().dims();
    let (scale, offset) = if name.ends_with("gamma") {
        (0.07, 1.0)
    } else if name.ends_with("beta") {
        (0.2, 0.0)
    } else {
        (0.07, 0.0)
    };
    *param = Param::from_tensor(Tensor::from_data(
        filled(shape, stream, scale, offset),
        device,
    ));
}

fn f32s(value: &serde_json::Value) -> Vec<f32> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap() as f32)
        .collect()
}

#[test]
fn ten_training_steps_match_pytorch() {
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/step_parity.json")).unwrap();
    let size = |k: &str| fixture[k].as_u64().unwrap() as usize;
    let (latent, width, channels, batch) = (
        size("latent_size"),
        size("width"),
        size("channels"),
        size("batch"),
    );
    let config = GanConfig::new()
        .with_latent_size(latent)
        .with_generator_width(width)
        .with_discriminator_width(width)
        .with_channels(channels)
        .with_batch_size(batch);
    let device = Device::flex();
    let plain = device.clone();
    let mut gan = Gan::new(config, &device).unwrap();

    // The same weights as PyTorch's, in the fixture's order (the stream is the position).
    let names: Vec<String> = fixture["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let mut g = gan.generator.clone().valid();
    let mut d = gan.discriminator.clone().valid();
    let mut stream = 0..;
    let mut next = |name: &str| {
        assert_eq!(names[stream.start as usize], name, "fixture order");
        stream.next().unwrap()
    };
    for (i, block) in g.blocks.iter_mut().enumerate() {
        let p = format!("generator.blocks.{i}");
        fill(&mut block.conv.weight, "w", next(&format!("{p}.conv.weight")), &plain);
        fill(&mut block.norm.gamma, "gamma", next(&format!("{p}.norm.gamma")), &plain);
        fill(&mut block.norm.beta, "beta", next(&format!("{p}.norm.beta")), &plain);
    }
    fill(&mut g.output.weight, "w", next("generator.output.weight"), &plain);
    fill(&mut d.input.weight, "w", next("discriminator.input.weight"), &plain);
    for (i, block) in d.blocks.iter_mut().enumerate() {
        let p = format!("discriminator.blocks.{i}");
        fill(&mut block.conv.weight, "w", next(&format!("{p}.conv.weight")), &plain);
        fill(&mut block.norm.gamma, "gamma", next(&format!("{p}.norm.gamma")), &plain);
        fill(&mut block.norm.beta, "beta", next(&format!("{p}.norm.beta")), &plain);
    }
    fill(&mut d.output.weight, "w", next("discriminator.output.weight"), &plain);
    gan = Gan::from_parts(gan.config.clone(), g, d, &device);

    let real = Tensor::<4>::from_data(filled([batch, channels, 32, 32], 1000, 2.0, 0.0), &plain)
        .autodiff();
    for (step, expected) in fixture["steps"].as_array().unwrap().iter().enumerate() {
        let z = Tensor::<2>::from_data(filled([batch, latent], 2000 + step as u32, 3.4, 0.0), &plain)
            .autodiff();
        let got = pollster::block_on(gan.train_step_on(real.clone(), z).read()).unwrap();
        for (key, value) in [
            ("d_loss", got.d_loss),
            ("g_loss", got.g_loss),
            ("d_real", got.d_real),
            ("d_fake", got.d_fake),
        ] {
            let want = expected[key].as_f64().unwrap() as f32;
            let value = value.unwrap();
            assert!(
                (value - want).abs() <= 1e-4 * want.abs().max(1.0),
                "step {step} {key}: burn {value}, PyTorch {want}"
            );
        }
    }

    // Every parameter after the last step: Adam moves each weight by about lr = 2e-4 per step,
    // so an error in a gradient's sign or Adam's scaling would show far above this tolerance.
    let (g, d) = (&gan.generator, &gan.discriminator);
    let values = |t: Tensor<4>| -> Vec<f32> { t.into_data().iter::<f32>().collect() };
    let vector = |t: Tensor<1>| -> Vec<f32> { t.into_data().iter::<f32>().collect() };
    let mut trained = Vec::new();
    for block in &g.blocks {
        trained.push(values(block.conv.weight.val()));
        trained.push(vector(block.norm.gamma.val()));
        trained.push(vector(block.norm.beta.val()));
    }
    trained.push(values(g.output.weight.val()));
    trained.push(values(d.input.weight.val()));
    for block in &d.blocks {
        trained.push(values(block.conv.weight.val()));
        trained.push(vector(block.norm.gamma.val()));
        trained.push(vector(block.norm.beta.val()));
    }
    trained.push(values(d.output.weight.val()));
    assert_eq!(trained.len(), names.len(), "one value list per fixture parameter");
    let got = names.iter().cloned().zip(trained);
    for (name, values) in got {
        let want = &fixture["final"][&name];
        let first = f32s(&want["first"]);
        let n = first.len();
        let diff = values[..n]
            .iter()
            .zip(&first)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert!(diff < 2e-6, "{name}: max |burn − torch| over its first {n} values = {diff}");
        let abs_sum: f32 = values.iter().map(|v| v.abs()).sum();
        let want_abs = want["abs_sum"].as_f64().unwrap() as f32;
        assert!(
            (abs_sum - want_abs).abs() <= 1e-5 * want_abs.max(1.0),
            "{name}: Σ|w| burn {abs_sum}, PyTorch {want_abs}"
        );
        let sum: f32 = values.iter().sum();
        let want_sum = want["sum"].as_f64().unwrap() as f32;
        assert!(
            (sum - want_sum).abs() <= 1e-5 * want_abs.max(1.0),
            "{name}: Σw burn {sum}, PyTorch {want_sum}"
        );
    }
}
