//! The 2-D lab's settings: two small MLPs, their losses and optimisers. Burn-free, so the page's
//! UI can show and validate them.

use derive_setters::Setters;
use serde::{Deserialize, Serialize};
use smart_default::SmartDefault;

use crate::config::{ConfigError, LossKind, OptimizerKind, check_training};

/// The game's loss in the lab: the image model's three and the game's original one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum LabLoss {
    /// The minimax game as written, G minimising log(1 − D(G(z))) (Goodfellow et al. 2014):
    /// its gradient vanishes when D rejects G's points, which is what the lab shows.
    Saturating,
    /// G minimises −log D(G(z)) instead (the non-saturating loss; D's is BCE either way).
    #[default]
    NonSaturating,
    /// Hinge (Lim & Ye 2017).
    Hinge,
    /// WGAN with the critic's weights clipped (Arjovsky et al. 2017).
    Wgan,
}

impl LabLoss {
    /// Every loss, in the order a UI lists them.
    pub const ALL: [LabLoss; 4] = [
        LabLoss::Saturating,
        LabLoss::NonSaturating,
        LabLoss::Hinge,
        LabLoss::Wgan,
    ];

    /// The image model's loss with the same D loss (the saturating game's is BCE's).
    pub fn discriminator_kind(self) -> LossKind {
        match self {
            LabLoss::Saturating | LabLoss::NonSaturating => LossKind::Bce,
            LabLoss::Hinge => LossKind::Hinge,
            LabLoss::Wgan => LossKind::WganClip,
        }
    }

    /// A short human name.
    pub fn label(self) -> &'static str {
        match self {
            LabLoss::Saturating => "Minimax (saturating)",
            LabLoss::NonSaturating => "Non-saturating",
            LabLoss::Hinge => "Hinge",
            LabLoss::Wgan => "WGAN (weight clipping)",
        }
    }
}

/// The hidden layers' non-linearity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Activation {
    /// max(0, x).
    #[default]
    Relu,
    /// max(0.2x, x), as DCGAN's D.
    LeakyRelu,
    /// tanh(x): smooth, so G's manifold folds smoothly.
    Tanh,
}

impl Activation {
    /// Every activation, in the order a UI lists them.
    pub const ALL: [Activation; 3] = [Activation::Relu, Activation::LeakyRelu, Activation::Tanh];

    /// A short human name.
    pub fn label(self) -> &'static str {
        match self {
            Activation::Relu => "ReLU",
            Activation::LeakyRelu => "LeakyReLU",
            Activation::Tanh => "tanh",
        }
    }
}

/// What G's input z is drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Noise {
    /// Standard normal in each dimension.
    #[default]
    Normal,
    /// Uniform on [−1, 1] in each dimension.
    Uniform,
}

impl Noise {
    /// Both noises, in the order a UI lists them.
    pub const ALL: [Noise; 2] = [Noise::Normal, Noise::Uniform];

    /// A short human name.
    pub fn label(self) -> &'static str {
        match self {
            Noise::Normal => "Normal",
            Noise::Uniform => "Uniform on [−1, 1]",
        }
    }
}

/// Everything that defines a 2-D lab run. `LabConfig::new()` gives the defaults beside each field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SmartDefault, Setters)]
#[setters(prefix = "with_")]
pub struct LabConfig {
    /// Dimensions of z: 1 to 8 (2 lets the lab draw G's manifold as a warped grid).
    #[default(2)]
    pub noise_size: usize,
    /// What z is drawn from.
    #[default(Noise::Normal)]
    pub noise: Noise,
    /// Units of each hidden layer, in both networks.
    #[default(64)]
    pub width: usize,
    /// Hidden layers of each network.
    #[default(3)]
    pub depth: usize,
    /// The hidden layers' non-linearity.
    #[default(Activation::Relu)]
    pub activation: Activation,
    /// Points per batch, real and generated each.
    #[default(256)]
    pub batch_size: usize,
    /// The game's loss.
    #[default(LabLoss::NonSaturating)]
    pub loss: LabLoss,
    /// The update rule of both networks.
    #[default(OptimizerKind::Adam)]
    pub optimizer: OptimizerKind,
    /// Learning rate of G.
    #[default(1e-3)]
    pub learning_rate_g: f64,
    /// Learning rate of D.
    #[default(1e-3)]
    pub learning_rate_d: f64,
    /// Adam's β1 (unused by RMSProp).
    #[default(0.5)]
    pub beta1: f32,
    /// D updates per G update.
    #[default(1)]
    pub d_steps: usize,
    /// WGAN's weight clip on the critic.
    #[default(0.01)]
    pub wgan_clip: f32,
    /// Seed of the weights, the noise and the data's points.
    #[default(0)]
    pub seed: u64,
}

impl LabConfig {
    /// Every field at its default.
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks every field; the networks assume a valid configuration.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let fail = |why: String| Err(ConfigError(why));
        if !(1..=8).contains(&self.noise_size) {
            return fail(format!(
                "z must have 1 to 8 dimensions, not {}",
                self.noise_size
            ));
        }
        if !(1..=512).contains(&self.width) {
            return fail(format!("width must be 1..=512, not {}", self.width));
        }
        if !(1..=8).contains(&self.depth) {
            return fail(format!(
                "depth must be 1..=8 hidden layers, not {}",
                self.depth
            ));
        }
        if !(2..=4096).contains(&self.batch_size) {
            return fail(format!(
                "batch size must be 2..=4096, not {}",
                self.batch_size
            ));
        }
        // Adam's β2 is fixed at 0.999 here.
        check_training(
            [self.learning_rate_g, self.learning_rate_d],
            [("β1", self.beta1), ("β2", 0.999)],
            self.d_steps,
            self.wgan_clip,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_fields_are_named() {
        assert!(LabConfig::new().validate().is_ok());
        let err = LabConfig::new().with_noise_size(9).validate().unwrap_err();
        assert!(err.0.contains("z must have"), "{err}");
        let err = LabConfig::new()
            .with_learning_rate_d(0.0)
            .validate()
            .unwrap_err();
        assert!(err.0.contains("learning rate of D"), "{err}");
        assert_eq!(LabLoss::Saturating.discriminator_kind(), LossKind::Bce);
    }
}
