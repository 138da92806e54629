//! DCGAN weight initialisation (Radford et al. 2016, §4): every convolution N(0, 0.02),
//! batch-norm scale N(1, 0.02) and shift 0.

use burn::nn::{BatchNorm, BatchNormConfig, Initializer};
use burn::tensor::Device;

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
