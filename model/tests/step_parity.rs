//! The training update matches PyTorch's on identical weights and inputs (fixtures made by
//! `fixtures/make_step_parity.py`): the gradients of the first step's D and G losses, every
//! parameter's, to float32 precision; and whole training steps (D update, then G update; batch
//! norm in training mode, BCE with logits, Adam with bias correction).
//!
//! Issue 14 asked whether a numerical difference (BCE-with-logits, batch norm, Adam's ε and bias
//! correction) makes our runs fall apart where PyTorch's do not. These tests rule that out: at
//! width 8 every gradient agrees with PyTorch's float64 values to ≈4e-7 relative, and ten whole
//! steps to 1e-6. At the default size (width 64, batch 64) the agreement depends on the machine:
//! ≈2e-7 on an AVX-512 one, but up to 4.5e-5 of the norm on an AMD EPYC (AVX2), in the batch-norm
//! parameters' gradients, each a float32 sum over 16 384 values whose rounding follows the
//! instruction set's lanes ([`Tolerance::FULL`]). A wrong ε or formula is off by far more.
//!
//! Why the full-size run is compared for two steps only: Adam's first update is lr·g/(|g| + ε),
//! about ±lr whatever |g| is, so a weight whose gradient is at the level of float rounding moves
//! by ±lr depending on that rounding. From then on the two runs separate like any chaotic
//! system; PyTorch's own float32 and float64 runs of this fixture separate the same way by the
//! fifth step. The small fixture has no such weights and stays together for all ten steps.

use burn::module::{Module, Param};
use burn::tensor::{Device, Tensor, TensorData};
use model::{Discriminator, Gan, GanConfig, Generator, LossKind, burn};

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

/// Replaces `param` by the hash fill of `make_step_parity.py` for the parameter `name`, whose
/// stream is its position in the fixture's list.
fn fill<const D: usize>(param: &mut Param<Tensor<D>>, name: &str, names: &[String]) {
    let stream = names
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("{name} not in the fixture")) as u32;
    let (scale, offset) = if name.ends_with("gamma") {
        (0.07, 1.0)
    } else if name.ends_with("beta") {
        (0.2, 0.0)
    } else {
        (0.07, 0.0)
    };
    let shape: [usize; D] = param.shape().dims();
    *param = Param::from_tensor(Tensor::from_data(
        filled(shape, stream, scale, offset),
        &Device::flex(),
    ));
}

/// `per` of every parameter of G then D with its fixture path, in the fixture's order; `per4`
/// for the rank-4 convolution weights, `per1` for the batch norms' γ and β.
fn parameters<T>(
    g: &Generator,
    d: &Discriminator,
    per4: impl Fn(&Param<Tensor<4>>) -> T,
    per1: impl Fn(&Param<Tensor<1>>) -> T,
) -> Vec<(String, T)> {
    let mut out = Vec::new();
    for (i, block) in g.blocks.iter().enumerate() {
        let p = format!("generator.blocks.{i}");
        out.push((format!("{p}.conv.weight"), per4(&block.conv.weight)));
        out.push((format!("{p}.norm.gamma"), per1(&block.norm.gamma)));
        out.push((format!("{p}.norm.beta"), per1(&block.norm.beta)));
    }
    out.push(("generator.output.weight".into(), per4(&g.output.weight)));
    out.push(("discriminator.input.weight".into(), per4(&d.input.weight)));
    for (i, block) in d.blocks.iter().enumerate() {
        let p = format!("discriminator.blocks.{i}");
        out.push((format!("{p}.conv.weight"), per4(&block.conv.weight)));
        out.push((format!("{p}.norm.gamma"), per1(&block.norm.gamma)));
        out.push((format!("{p}.norm.beta"), per1(&block.norm.beta)));
    }
    out.push(("discriminator.output.weight".into(), per4(&d.output.weight)));
    out
}

fn values<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor.into_data().iter::<f32>().collect()
}

struct Fixture {
    json: serde_json::Value,
    config: GanConfig,
    batch: usize,
    names: Vec<String>,
}

impl Fixture {
    fn new(text: &str) -> Self {
        let json: serde_json::Value = serde_json::from_str(text).unwrap();
        let size = |k: &str| json[k].as_u64().unwrap() as usize;
        let batch = size("batch");
        let config = GanConfig::new()
            .with_latent_size(size("latent_size"))
            .with_generator_width(size("width"))
            .with_discriminator_width(size("width"))
            .with_channels(size("channels"))
            .with_batch_size(batch);
        let names = json["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        Self {
            json,
            config,
            batch,
            names,
        }
    }

    /// G and D with the fixture's weights, on the plain CPU device.
    fn networks(&self) -> (Generator, Discriminator) {
        let device = Device::flex();
        let mut g = Generator::new(&self.config, &device);
        let mut d = Discriminator::new(&self.config, &device);
        let names = &self.names;
        for (i, block) in g.blocks.iter_mut().enumerate() {
            let p = format!("generator.blocks.{i}");
            fill(&mut block.conv.weight, &format!("{p}.conv.weight"), names);
            fill(&mut block.norm.gamma, &format!("{p}.norm.gamma"), names);
            fill(&mut block.norm.beta, &format!("{p}.norm.beta"), names);
        }
        fill(&mut g.output.weight, "generator.output.weight", names);
        fill(&mut d.input.weight, "discriminator.input.weight", names);
        for (i, block) in d.blocks.iter_mut().enumerate() {
            let p = format!("discriminator.blocks.{i}");
            fill(&mut block.conv.weight, &format!("{p}.conv.weight"), names);
            fill(&mut block.norm.gamma, &format!("{p}.norm.gamma"), names);
            fill(&mut block.norm.beta, &format!("{p}.norm.beta"), names);
        }
        fill(&mut d.output.weight, "discriminator.output.weight", names);
        (g, d)
    }

    /// The real batch (the same every step) and step `step`'s z, on `device`.
    fn inputs(&self, step: u32, device: &Device) -> (Tensor<4>, Tensor<2>) {
        let (b, c, l) = (self.batch, self.config.channels, self.config.latent_size);
        let real = Tensor::from_data(filled([b, c, 32, 32], 1000, 2.0, 0.0), device);
        let z = Tensor::from_data(filled([b, l], 2000 + step, 3.4, 0.0), device);
        (real, z)
    }

    /// The first step's D-loss and G-loss gradients of every parameter against PyTorch's
    /// float64 values: norms and first values within `tolerance`.
    fn check_first_gradients(&self, tolerance: &Tolerance) {
        let device = Device::flex().autodiff();
        let mut worst = 0.0f64;
        for which in ["d_loss", "g_loss"] {
            let (g, d) = self.networks();
            let (g, d) = (g.to_device(&device).train(), d.to_device(&device).train());
            let (real, z) = self.inputs(0, &device);
            let fake = g.forward(z);
            let loss = if which == "d_loss" {
                LossKind::Bce.discriminator_loss(d.forward(real), d.forward(fake.detach()))
            } else {
                LossKind::Bce.generator_loss(d.forward(fake))
            };
            let grads = loss.backward();
            let expected = &self.json["first_gradients"][which];
            let all = parameters(
                &g,
                &d,
                |p| p.val().grad(&grads).map(values),
                |p| p.val().grad(&grads).map(values),
            );
            for (name, got) in all {
                let Some(want) = expected.get(&name) else {
                    // No gradient in PyTorch either (G's parameters in the D loss).
                    assert!(got.is_none(), "{which}: {name} has a gradient");
                    continue;
                };
                let got: Vec<f64> = got
                    .unwrap_or_else(|| panic!("{which}: no gradient for {name}"))
                    .into_iter()
                    .map(f64::from)
                    .collect();
                let norm = got.iter().map(|v| v * v).sum::<f64>().sqrt();
                let want_norm = want["norm"].as_f64().unwrap();
                let relative = (norm - want_norm).abs() / want_norm;
                assert!(
                    relative < tolerance.norm,
                    "{which} {name}: |∇| burn {norm}, PyTorch {want_norm}"
                );
                worst = worst.max(relative);
                for (k, w) in want["first"].as_array().unwrap().iter().enumerate() {
                    let w = w.as_f64().unwrap();
                    assert!(
                        (got[k] - w).abs() < tolerance.value * want_norm,
                        "{which} {name}[{k}]: burn {}, PyTorch {w}",
                        got[k]
                    );
                }
            }
        }
        eprintln!(
            "width {}, batch {}: first-step gradient norms within {worst:.1e} of PyTorch's (float64)",
            self.config.generator_width, self.batch
        );
    }

    /// Whole training steps through [`Gan::train_step_on`]: the losses and mean D outputs of
    /// the first `steps` steps; with `compare_weights`, every parameter after the last step.
    fn check_steps(&self, steps: usize, compare_weights: bool, tolerance: &Tolerance) {
        let device = Device::flex();
        let (g, d) = self.networks();
        let mut gan = Gan::from_parts(self.config.clone(), g, d, &device);
        let expected_steps = self.json["steps"].as_array().unwrap();
        let mut worst = 0.0f32;
        for (step, expected) in expected_steps.iter().take(steps).enumerate() {
            let (real, z) = self.inputs(step as u32, gan.device());
            let got = pollster::block_on(gan.train_step_on(real, z).read()).unwrap();
            for (key, value) in [
                ("d_loss", got.d_loss),
                ("g_loss", got.g_loss),
                ("d_real", got.d_real),
                ("d_fake", got.d_fake),
            ] {
                let want = expected[key].as_f64().unwrap() as f32;
                let diff = (value.unwrap() - want).abs();
                assert!(
                    diff <= tolerance.step * want.abs().max(1.0),
                    "step {step} {key}: burn {value:?}, PyTorch {want}"
                );
                worst = worst.max(diff);
            }
        }
        eprintln!(
            "width {}, batch {}: {steps} steps, losses and D outputs within {worst:.1e} of PyTorch's",
            self.config.generator_width, self.batch
        );
        if !compare_weights {
            return;
        }
        // Adam moves each weight by about lr = 2e-4 per step: a wrong gradient sign or a wrong
        // scale in Adam would show far above this tolerance.
        let all = parameters(
            &gan.generator,
            &gan.discriminator,
            |p| values(p.val()),
            |p| values(p.val()),
        );
        for (name, values) in all {
            let want = &self.json["final"][&name];
            let first: Vec<f32> = want["first"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap() as f32)
                .collect();
            let diff = values
                .iter()
                .zip(&first)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f32::max);
            assert!(
                diff < 2e-6,
                "{name}: max |burn − torch| over its first values = {diff}"
            );
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
}

/// How close to PyTorch's values each fixture must come.
struct Tolerance {
    /// A parameter's gradient norm, relative.
    norm: f64,
    /// Its first values, as a fraction of its norm.
    value: f64,
    /// The losses and mean D outputs of whole steps, relative (at least 1 in the denominator).
    step: f32,
}

impl Tolerance {
    /// Width 8: short sums, so float32 rounding stays near 1e-7 on every machine measured.
    const SMALL: Tolerance = Tolerance {
        norm: 1e-5,
        value: 1e-6,
        step: 1e-5,
    };
    /// The default size. Measured worst on an AMD EPYC (AVX2): norms 4.0e-5, values 4.5e-5 of
    /// the norm (batch-norm γ and β); the second step's D loss 2.3e-4, after Adam's first update
    /// moved the weights whose gradients differ only by rounding by ±lr (see above).
    const FULL: Tolerance = Tolerance {
        norm: 1e-4,
        value: 1e-4,
        step: 1e-3,
    };
}

const SMALL: &str = include_str!("fixtures/step_parity.json");
/// The default DCGAN-32 (width 64, batch 64): burn's CPU kernels tile larger shapes differently.
const FULL: &str = include_str!("fixtures/step_parity_full.json");

#[test]
fn first_gradients_match_pytorch() {
    Fixture::new(SMALL).check_first_gradients(&Tolerance::SMALL);
}

#[test]
fn first_gradients_match_pytorch_at_full_size() {
    Fixture::new(FULL).check_first_gradients(&Tolerance::FULL);
}

#[test]
fn ten_training_steps_match_pytorch() {
    Fixture::new(SMALL).check_steps(10, true, &Tolerance::SMALL);
}

#[test]
fn first_training_steps_match_pytorch_at_full_size() {
    Fixture::new(FULL).check_steps(2, false, &Tolerance::FULL);
}
