//! One generator and one discriminator forward pass match PyTorch on shared weights
//! (fixture made by `fixtures/make_parity.py`), in inference and in training mode.

use std::collections::HashMap;

use base64::Engine;
use burn::module::{Param, RunningState};
use burn::nn::BatchNorm;
use burn::tensor::{Device, Tensor, TensorData};
use model::{Discriminator, GanConfig, Generator, burn};

struct Fixture {
    config: GanConfig,
    tensors: HashMap<String, TensorData>,
}

fn fixture() -> Fixture {
    let text = include_str!("fixtures/parity.json");
    let json: serde_json::Value = serde_json::from_str(text).unwrap();
    let size = |k: &str| json[k].as_u64().unwrap() as usize;
    let config = GanConfig::new()
        .with_latent_size(size("latent_size"))
        .with_generator_width(size("generator_width"))
        .with_discriminator_width(size("discriminator_width"))
        .with_channels(size("channels"));
    let tensors = json["tensors"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, t)| {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(t["data"].as_str().unwrap())
                .unwrap();
            let values: Vec<f32> = bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
                .collect();
            let shape: Vec<usize> = t["shape"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_u64().unwrap() as usize)
                .collect();
            (name.clone(), TensorData::new(values, shape))
        })
        .collect();
    Fixture { config, tensors }
}

impl Fixture {
    fn tensor<const D: usize>(&self, name: &str, device: &Device) -> Tensor<D> {
        let data = self
            .tensors
            .get(name)
            .unwrap_or_else(|| panic!("{name} not in fixture"));
        Tensor::from_data(data.clone(), device)
    }

    fn param<const D: usize>(&self, name: &str, device: &Device) -> Param<Tensor<D>> {
        Param::from_tensor(self.tensor(name, device))
    }

    fn norm(&self, norm: &mut BatchNorm, prefix: &str, device: &Device) {
        norm.gamma = self.param(&format!("{prefix}.gamma"), device);
        norm.beta = self.param(&format!("{prefix}.beta"), device);
        norm.running_mean =
            RunningState::new(self.tensor(&format!("{prefix}.running_mean"), device));
        norm.running_var = RunningState::new(self.tensor(&format!("{prefix}.running_var"), device));
    }

    fn generator(&self, device: &Device) -> Generator {
        let mut g = Generator::new(&self.config, device);
        for (i, block) in g.blocks.iter_mut().enumerate() {
            block.conv.weight = self.param(&format!("generator.blocks.{i}.conv.weight"), device);
            self.norm(
                &mut block.norm,
                &format!("generator.blocks.{i}.norm"),
                device,
            );
        }
        g.output.weight = self.param("generator.output.weight", device);
        g
    }

    fn discriminator(&self, device: &Device) -> Discriminator {
        let mut d = Discriminator::new(&self.config, device);
        d.input.weight = self.param("discriminator.input.weight", device);
        for (i, block) in d.blocks.iter_mut().enumerate() {
            block.conv.weight =
                self.param(&format!("discriminator.blocks.{i}.conv.weight"), device);
            self.norm(
                &mut block.norm,
                &format!("discriminator.blocks.{i}.norm"),
                device,
            );
        }
        d.output.weight = self.param("discriminator.output.weight", device);
        d
    }
}

fn max_abs_diff<const D: usize>(ours: Tensor<D>, theirs: &TensorData) -> f32 {
    let ours = ours.into_data();
    assert_eq!(ours.shape(), theirs.shape(), "shapes differ");
    ours.iter::<f32>()
        .zip(theirs.iter::<f32>())
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max)
}

const TOLERANCE: f32 = 1e-4;

#[test]
fn generator_matches_pytorch() {
    let f = fixture();
    for (device, expected) in [
        (Device::flex(), "generator_eval"),
        (Device::flex().autodiff(), "generator_train"),
    ] {
        let g = f.generator(&device);
        let z: Tensor<2> = f.tensor("z", &device);
        let diff = max_abs_diff(g.forward(z), &f.tensors[expected]);
        assert!(diff < TOLERANCE, "{expected}: max |burn − torch| = {diff}");
    }
}

#[test]
fn discriminator_matches_pytorch() {
    let f = fixture();
    for (device, expected) in [
        (Device::flex(), "discriminator_eval"),
        (Device::flex().autodiff(), "discriminator_train"),
    ] {
        let d = f.discriminator(&device);
        let images: Tensor<4> = f.tensor("images", &device);
        let diff = max_abs_diff(d.forward(images), &f.tensors[expected]);
        assert!(diff < TOLERANCE, "{expected}: max |burn − torch| = {diff}");
    }
}
