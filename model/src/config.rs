//! The one configuration of a DCGAN run: architecture, loss and optimiser settings.

use derive_setters::Setters;
use serde::{Deserialize, Serialize};
use smart_default::SmartDefault;

/// The adversarial objective, chosen in [`GanConfig::loss`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum LossKind {
    /// Non-saturating binary cross-entropy (Goodfellow et al. 2014, as used by DCGAN).
    #[default]
    Bce,
    /// Hinge loss (Lim & Ye 2017; Miyato et al. 2018).
    Hinge,
    /// Wasserstein loss with weight clipping on the critic (Arjovsky et al. 2017).
    ///
    /// burn's autodiff is first-order only, so the gradient penalty of WGAN-GP (a gradient of
    /// a gradient) cannot be taken; weight clipping is the original WGAN remedy.
    WganClip,
}

impl LossKind {
    /// Every loss, in the order a UI lists them.
    pub const ALL: [LossKind; 3] = [LossKind::Bce, LossKind::Hinge, LossKind::WganClip];

    /// A short human name.
    pub fn label(self) -> &'static str {
        match self {
            LossKind::Bce => "Non-saturating BCE",
            LossKind::Hinge => "Hinge",
            LossKind::WganClip => "WGAN (weight clipping)",
        }
    }
}

/// The update rule of both networks, chosen in [`GanConfig::optimizer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum OptimizerKind {
    /// Adam (Kingma & Ba 2015) with [`GanConfig::beta1`] and [`GanConfig::beta2`]: DCGAN's.
    #[default]
    Adam,
    /// RMSProp (decay 0.99, no momentum): what WGAN's paper used, because momentum-based
    /// optimisers such as Adam made its critic's training unstable (Arjovsky et al. 2017, §4).
    RmsProp,
}

impl OptimizerKind {
    /// Every optimiser, in the order a UI lists them.
    pub const ALL: [OptimizerKind; 2] = [OptimizerKind::Adam, OptimizerKind::RmsProp];

    /// A short human name.
    pub fn label(self) -> &'static str {
        match self {
            OptimizerKind::Adam => "Adam",
            OptimizerKind::RmsProp => "RMSProp",
        }
    }
}

/// Everything that defines a DCGAN and how it trains. `GanConfig::new()` gives the defaults
/// written beside each field, and `with_<field>` sets one (the builders burn's
/// `#[derive(Config)]` gave; that derive needs burn, and the page's UI links this file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SmartDefault, Setters)]
#[setters(prefix = "with_")]
pub struct GanConfig {
    /// Side of the square images, in pixels: 32 or 64.
    #[default(32)]
    pub image_size: usize,
    /// Colour channels: 1 (grey) or 3 (RGB).
    #[default(3)]
    pub channels: usize,
    /// Length of the latent vector z fed to the generator.
    #[default(64)]
    pub latent_size: usize,
    /// Feature maps of the generator's last hidden layer (the others are multiples).
    #[default(64)]
    pub generator_width: usize,
    /// Feature maps of the discriminator's first layer (the others are multiples).
    #[default(64)]
    pub discriminator_width: usize,
    /// The adversarial objective.
    #[default(LossKind::Bce)]
    pub loss: LossKind,
    /// The update rule of both networks (DCGAN: Adam; WGAN: RMSProp).
    #[default(OptimizerKind::Adam)]
    pub optimizer: OptimizerKind,
    /// Learning rate of the generator (DCGAN: 2e-4; WGAN: 5e-5).
    #[default(2e-4)]
    pub learning_rate_g: f64,
    /// Learning rate of the discriminator (DCGAN: 2e-4; WGAN: 5e-5).
    #[default(2e-4)]
    pub learning_rate_d: f64,
    /// Adam β1 (DCGAN: 0.5, lower than Adam's usual 0.9 to steady training).
    #[default(0.5)]
    pub beta1: f32,
    /// Adam β2.
    #[default(0.999)]
    pub beta2: f32,
    /// Images per training batch.
    #[default(64)]
    pub batch_size: usize,
    /// Discriminator updates before each generator update (DCGAN: 1; WGAN: 5).
    #[default(1)]
    pub d_steps: usize,
    /// Weight clip of the WGAN critic (only with [`LossKind::WganClip`]).
    #[default(0.01)]
    pub wgan_clip: f32,
    /// Seed of weight initialisation, latent noise and batch order.
    #[default(0)]
    pub seed: u64,
    /// Decay β of the exponential moving average of G's weights, which the samples, the
    /// explorer, the exports and the quality measure use (Karras et al. 2018: smoother, better
    /// samples at no training cost); 0 turns it off. A warm-up, β_t = min(β, (1 + t)/(10 + t))
    /// after t updates, lets the first, random weights fade fast.
    #[default(0.999)]
    pub ema_beta: f64,
    /// DiffAugment's dose (Zhao et al. 2020, [`crate::augment`]): the probability with which
    /// each of its five changes (brightness, saturation, contrast, translation, cutout) is
    /// applied to each image D sees, real and generated; 1 is the paper's recipe, 0 turns it
    /// off.
    #[default(0.0)]
    pub augment: f64,
    /// Adaptive augmentation (Karras et al. 2020, ADA; [`crate::ada`]): the target of the
    /// overfitting measure r_t = E[sign(D(x))] on the real images D sees. While r_t is above
    /// it (D is sure of the real images: it has begun to memorise them), the probability p of
    /// DiffAugment's changes rises; below it, p falls. 0 turns it off. The paper's target: 0.6.
    /// Not with WGAN (a critic's sign says nothing) nor with a fixed [`augment`](Self::augment).
    #[default(0.0)]
    pub ada_target: f64,
    /// Adaptive augmentation's speed: the D updates (steps, with one D step per G step) over
    /// which p could go from 0 to 1 if r_t stayed above the target (the paper's 500 000 images are ≈ 7 800 steps of 64, too slow for runs
    /// of a few thousand steps). 2 000 by measurement (20 food emoji, width 16, README): with
    /// 500, p reached its highest within the first few hundred steps, while G's first images
    /// alone make D sure of the real ones, and early samples paid for it.
    #[default(2000)]
    pub ada_ramp_steps: u64,
    /// The highest p adaptive augmentation may reach: above some p, D sees so few unchanged
    /// images that the changes leak into G's samples (the paper: 0.8 on its sets).
    #[default(0.8)]
    pub ada_max: f64,
}

impl GanConfig {
    /// Every field at its default.
    pub fn new() -> Self {
        Self::default()
    }

    /// `loss` with the training recipe of the paper that introduced it: the optimiser, both
    /// learning rates, the D steps per G step and (WGAN) the clip. Every other field is kept.
    ///
    /// - BCE and hinge: DCGAN's Adam at 2e-4 (β1 0.5), one D step per G step (Radford et al.
    ///   2016; the hinge GAN of Lim & Ye 2017 and Miyato et al. 2018 trains the DCGAN
    ///   architecture with Adam too).
    /// - WGAN: RMSProp at 5e-5, 5 critic steps per G step, weights clipped to ±0.01
    ///   (Arjovsky et al. 2017, Algorithm 1).
    pub fn with_loss_recipe(self, loss: LossKind) -> Self {
        let defaults = GanConfig::new();
        match loss {
            LossKind::Bce | LossKind::Hinge => Self {
                loss,
                optimizer: OptimizerKind::Adam,
                learning_rate_g: defaults.learning_rate_g,
                learning_rate_d: defaults.learning_rate_d,
                beta1: defaults.beta1,
                d_steps: 1,
                ..self
            },
            LossKind::WganClip => Self {
                loss,
                optimizer: OptimizerKind::RmsProp,
                learning_rate_g: 5e-5,
                learning_rate_d: 5e-5,
                d_steps: 5,
                wgan_clip: 0.01,
                ..self
            },
        }
    }

    /// True when the optimiser, learning rates, D steps (and for WGAN the clip) are those of
    /// [`with_loss_recipe`](Self::with_loss_recipe) for this loss.
    pub fn follows_loss_recipe(&self) -> bool {
        self.clone().with_loss_recipe(self.loss) == *self
    }
}

/// Checks the settings the image game and the 2-D lab share: the learning rates of G and D,
/// the named betas, the D steps per G step and WGAN's clip.
pub(crate) fn check_training(
    [lr_g, lr_d]: [f64; 2],
    betas: [(&str, f32); 2],
    d_steps: usize,
    clip: f32,
) -> Result<(), ConfigError> {
    let fail = |why: String| Err(ConfigError(why));
    for (name, lr) in [("G", lr_g), ("D", lr_d)] {
        if !(lr.is_finite() && lr > 0.0 && lr < 1.0) {
            return fail(format!(
                "learning rate of {name} must be in (0, 1), not {lr}"
            ));
        }
    }
    for (name, beta) in betas {
        if !(beta.is_finite() && (0.0..1.0).contains(&beta)) {
            return fail(format!("{name} must be in [0, 1), not {beta}"));
        }
    }
    if !(1..=10).contains(&d_steps) {
        return fail(format!("D steps per G step must be 1..=10, not {d_steps}"));
    }
    if !(clip.is_finite() && clip > 0.0) {
        return fail(format!("WGAN clip must be positive, not {clip}"));
    }
    Ok(())
}

/// A configuration that cannot build a model, with the reason.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(pub String);

impl GanConfig {
    /// Checks every field; the networks assume a valid configuration.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let fail = |why: String| Err(ConfigError(why));
        if !matches!(self.image_size, 32 | 64) {
            return fail(format!(
                "image size must be 32 or 64, not {}",
                self.image_size
            ));
        }
        if !matches!(self.channels, 1 | 3) {
            return fail(format!("channels must be 1 or 3, not {}", self.channels));
        }
        if !(1..=512).contains(&self.latent_size) {
            return fail(format!(
                "latent size must be 1..=512, not {}",
                self.latent_size
            ));
        }
        for (name, width) in [
            ("generator", self.generator_width),
            ("discriminator", self.discriminator_width),
        ] {
            if !(1..=512).contains(&width) {
                return fail(format!("{name} width must be 1..=512, not {width}"));
            }
        }
        check_training(
            [self.learning_rate_g, self.learning_rate_d],
            [("β1", self.beta1), ("β2", self.beta2)],
            self.d_steps,
            self.wgan_clip,
        )?;
        if !(2..=1024).contains(&self.batch_size) {
            // Batch norm needs at least two samples to have a variance.
            return fail(format!(
                "batch size must be 2..=1024, not {}",
                self.batch_size
            ));
        }
        if !(self.ema_beta.is_finite() && (0.0..1.0).contains(&self.ema_beta)) {
            return fail(format!(
                "the EMA decay must be in [0, 1), not {}",
                self.ema_beta
            ));
        }
        if !(self.augment.is_finite() && (0.0..=1.0).contains(&self.augment)) {
            return fail(format!(
                "the DiffAugment probability must be in [0, 1], not {}",
                self.augment
            ));
        }
        if self.ada_target != 0.0 {
            if !(self.ada_target.is_finite() && 0.0 < self.ada_target && self.ada_target < 1.0) {
                return fail(format!(
                    "the adaptive augmentation's target must be in (0, 1), or 0 for off, not {}",
                    self.ada_target
                ));
            }
            if self.loss == LossKind::WganClip {
                return fail(
                    "adaptive augmentation reads the sign of D's output, which a WGAN critic \
                     does not give a meaning: turn it off for WGAN"
                        .into(),
                );
            }
            if self.augment > 0.0 {
                return fail(
                    "a fixed DiffAugment dose and adaptive augmentation both set the same \
                     probability: choose one"
                        .into(),
                );
            }
            if !(1..=1_000_000).contains(&self.ada_ramp_steps) {
                return fail(format!(
                    "the adaptive augmentation's ramp must be 1..=1000000 steps, not {}",
                    self.ada_ramp_steps
                ));
            }
            if !(self.ada_max.is_finite() && 0.0 < self.ada_max && self.ada_max <= 1.0) {
                return fail(format!(
                    "the adaptive augmentation's highest p must be in (0, 1], not {}",
                    self.ada_max
                ));
            }
        }
        Ok(())
    }

    /// A configuration from JSON written by this or an older build: settings added since (such
    /// as [`ema_beta`](Self::ema_beta)) take their defaults, except that a file from before
    /// the EMA existed keeps training without one, as it did.
    pub fn from_json(bytes: &[u8]) -> Result<GanConfig, String> {
        let mut given: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        let fields = given
            .as_object_mut()
            .ok_or("the configuration is not a JSON object")?;
        fields.entry("ema_beta").or_insert(serde_json::json!(0.0));
        // Nor does a file from before adaptive augmentation start augmenting.
        fields.entry("ada_target").or_insert(serde_json::json!(0.0));
        // `optimizer` takes its default, Adam: the only one there was.
        let mut merged = serde_json::to_value(GanConfig::new()).map_err(|e| e.to_string())?;
        if let Some(defaults) = merged.as_object_mut() {
            defaults.extend(fields.clone());
        }
        serde_json::from_value(merged).map_err(|e| e.to_string())
    }

    /// Number of stride-2 up/down-sampling layers between 4×4 and the image size.
    pub fn resampling_layers(&self) -> usize {
        // 32 = 4·2³, 64 = 4·2⁴.
        (self.image_size / 4).trailing_zeros() as usize
    }

    /// True when two configurations give networks of the same shapes (and so can share weights).
    pub fn same_architecture(&self, other: &GanConfig) -> bool {
        self.image_size == other.image_size
            && self.channels == other.channels
            && self.latent_size == other.latent_size
            && self.generator_width == other.generator_width
            && self.discriminator_width == other.discriminator_width
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_dcgan_and_valid() {
        let config = GanConfig::new();
        assert_eq!(config.learning_rate_g, 2e-4);
        assert_eq!(config.beta1, 0.5);
        assert_eq!(config.latent_size, 64);
        assert!(config.validate().is_ok());
        assert_eq!(config.resampling_layers(), 3);
        assert_eq!(config.clone().with_image_size(64).resampling_layers(), 4);
    }

    #[test]
    fn invalid_fields_are_named() {
        let err = GanConfig::new().with_image_size(48).validate().unwrap_err();
        assert!(err.0.contains("image size"), "{err}");
        let err = GanConfig::new().with_batch_size(1).validate().unwrap_err();
        assert!(err.0.contains("batch size"), "{err}");
        let err = GanConfig::new()
            .with_learning_rate_d(f64::NAN)
            .validate()
            .unwrap_err();
        assert!(err.0.contains("learning rate of D"), "{err}");
    }

    #[test]
    fn json_round_trip() {
        let config = GanConfig::new().with_loss(LossKind::Hinge).with_seed(7);
        let json = serde_json::to_string(&config).unwrap();
        let back: GanConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, config);
    }

    #[test]
    fn each_loss_gets_its_papers_recipe() {
        let wgan = GanConfig::new()
            .with_seed(3)
            .with_loss_recipe(LossKind::WganClip);
        assert_eq!(wgan.optimizer, OptimizerKind::RmsProp);
        assert_eq!((wgan.learning_rate_g, wgan.learning_rate_d), (5e-5, 5e-5));
        assert_eq!((wgan.d_steps, wgan.wgan_clip), (5, 0.01));
        assert_eq!(wgan.seed, 3, "other fields are kept");
        assert!(wgan.validate().is_ok());
        // Back to BCE: DCGAN's recipe again, not WGAN's left over.
        let bce = wgan.with_loss_recipe(LossKind::Bce);
        assert_eq!(bce, GanConfig::new().with_seed(3));
        let hinge = GanConfig::new().with_loss_recipe(LossKind::Hinge);
        assert_eq!(hinge.optimizer, OptimizerKind::Adam);
        assert_eq!(hinge.d_steps, 1);
        assert!(hinge.follows_loss_recipe() && GanConfig::new().follows_loss_recipe());
        let changed = GanConfig::new()
            .with_loss_recipe(LossKind::WganClip)
            .with_d_steps(2);
        assert!(!changed.follows_loss_recipe());
    }

    #[test]
    fn older_configurations_load_with_the_settings_added_since() {
        let mut old = serde_json::to_value(GanConfig::new().with_latent_size(20)).unwrap();
        old.as_object_mut().unwrap().remove("ema_beta");
        old.as_object_mut().unwrap().remove("optimizer");
        let config = GanConfig::from_json(old.to_string().as_bytes()).unwrap();
        assert_eq!(config.latent_size, 20);
        assert_eq!(config.ema_beta, 0.0, "trained without an EMA: none");
        assert_eq!(
            config.optimizer,
            OptimizerKind::Adam,
            "the only one there was"
        );
        let now = GanConfig::new().with_ema_beta(0.99);
        let json = serde_json::to_vec(&now).unwrap();
        assert_eq!(GanConfig::from_json(&json).unwrap(), now);
        assert!(GanConfig::from_json(b"[1, 2]").is_err());
        assert!(GanConfig::new().with_ema_beta(1.0).validate().is_err());
    }
}
