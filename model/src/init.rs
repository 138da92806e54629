//! DCGAN weight initialisation (Radford et al. 2016, §4): every convolution N(0, 0.02),
//! batch-norm scale N(1, 0.02) and shift 0.

use burn::module::{Module, ModuleMapper, Param};
use burn::nn::{BatchNorm, BatchNormConfig, Initializer};
use burn::tensor::{Device, Tensor, TensorData};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// Initialiser of DCGAN's convolution weights.
pub const CONV_INIT: Initializer = Initializer::Normal {
    mean: 0.0,
    std: 0.02,
};

/// A batch norm over `features` channels with DCGAN's γ ~ N(1, 0.02), β = 0.
pub fn batch_norm(features: usize, device: &Device) -> BatchNorm {
    let mut norm = BatchNormConfig::new(features).init(device);
    norm.gamma = Initializer::Normal {
        mean: 1.0,
        std: 0.02,
    }
    .init([features], device);
    norm
}

/// Draws every convolution weight from N(0, 0.02), every batch-norm γ from N(1, 0.02) and β = 0
/// on the host from `seed` (ChaCha8), so a model's initial weights depend on its seed alone:
/// not on the device's shared random state (which other threads may draw from meanwhile), and
/// not on the backend.
///
/// Use it on modules built on a plain (non-autodiff) device, as [`crate::Gan::new`] does.
pub fn seeded<M: Module>(module: M, seed: u64) -> M {
    let mut mapper = SeededInit {
        path: Vec::new(),
        rng: ChaCha8Rng::seed_from_u64(seed),
    };
    module.map(&mut mapper)
}

struct SeededInit {
    path: Vec<String>,
    rng: ChaCha8Rng,
}

impl ModuleMapper for SeededInit {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let (mean, std) = match self.path.last().map(String::as_str) {
            Some("weight") => (0.0, 0.02),
            Some("gamma") => (1.0, 0.02),
            Some("beta") => (0.0, 0.0),
            _ => return param, // running statistics keep their 0 / 1 start
        };
        let shape = param.shape();
        let values: Vec<f32> = (0..shape.num_elements())
            .map(|_| {
                let z: f32 = StandardNormal.sample(&mut self.rng);
                mean + std * z
            })
            .collect();
        param.map(|t| Tensor::from_data(TensorData::new(values, shape), &t.device()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::GanConfig;
    use crate::generator::Generator;

    #[test]
    fn seeded_init_is_dcgan_and_reproducible() {
        let device = Device::flex();
        let config = GanConfig::new()
            .with_generator_width(8)
            .with_latent_size(16);
        let a = seeded(Generator::new(&config, &device), 4);
        let b = seeded(Generator::new(&config, &device), 4);
        let c = seeded(Generator::new(&config, &device), 5);
        let weight = |g: &Generator| {
            g.blocks[1]
                .conv
                .weight
                .val()
                .into_data()
                .iter::<f32>()
                .collect::<Vec<_>>()
        };
        assert_eq!(weight(&a), weight(&b));
        assert_ne!(weight(&a), weight(&c));
        let w = weight(&a);
        let std = (w.iter().map(|x| x * x).sum::<f32>() / w.len() as f32).sqrt();
        assert!((std - 0.02).abs() < 0.002, "{std}");
        let gamma: Vec<f32> = a.blocks[0]
            .norm
            .gamma
            .val()
            .into_data()
            .iter::<f32>()
            .collect();
        assert!(gamma.iter().all(|g| (g - 1.0).abs() < 0.1) && gamma.iter().any(|g| *g != 1.0));
        let beta: Vec<f32> = a.blocks[0]
            .norm
            .beta
            .val()
            .into_data()
            .iter::<f32>()
            .collect();
        assert!(beta.iter().all(|b| *b == 0.0));
        let mean: Vec<f32> = a.blocks[0]
            .norm
            .running_mean
            .value()
            .into_data()
            .iter::<f32>()
            .collect();
        assert!(
            mean.iter().all(|m| *m == 0.0),
            "running statistics untouched"
        );
    }
}
