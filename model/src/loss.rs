//! Adversarial losses on discriminator logits, and the mean D outputs that the charts show.

use burn::tensor::Tensor;
use burn::tensor::activation::{relu, sigmoid, softplus};

use crate::config::LossKind;

impl LossKind {
    /// Discriminator (critic) loss from its outputs on real and generated images.
    ///
    /// - real, fake: `[batch]` logits
    /// - returns `[1]`
    pub fn discriminator_loss(self, real: Tensor<1>, fake: Tensor<1>) -> Tensor<1> {
        match self {
            // BCE with logits: −log σ(r) − log(1 − σ(f)) = softplus(−r) + softplus(f).
            LossKind::Bce => softplus(real.neg(), 1.0).mean() + softplus(fake, 1.0).mean(),
            LossKind::Hinge => {
                relu(real.neg().add_scalar(1.0)).mean() + relu(fake.add_scalar(1.0)).mean()
            }
            // The critic maximises E[D(x)] − E[D(G(z))].
            LossKind::WganClip => fake.mean() - real.mean(),
        }
    }

    /// Generator loss from the discriminator's outputs on generated images.
    ///
    /// - fake: `[batch]` logits
    /// - returns `[1]`
    pub fn generator_loss(self, fake: Tensor<1>) -> Tensor<1> {
        match self {
            // Non-saturating: −log σ(f), strong gradients while D still wins (Goodfellow 2014).
            LossKind::Bce => softplus(fake.neg(), 1.0).mean(),
            LossKind::Hinge | LossKind::WganClip => fake.mean().neg(),
        }
    }

    /// Mean discriminator output shown to the user: a probability for BCE, the raw critic
    /// score for the others (they have no probabilistic reading).
    ///
    /// - logits: `[batch]`
    /// - returns `[1]`
    pub fn mean_output(self, logits: Tensor<1>) -> Tensor<1> {
        match self {
            LossKind::Bce => sigmoid(logits).mean(),
            LossKind::Hinge | LossKind::WganClip => logits.mean(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::Device;

    fn scalar(t: Tensor<1>) -> f32 {
        t.into_scalar()
    }

    #[test]
    fn bce_matches_closed_form() {
        let device = Device::flex();
        let real = Tensor::<1>::from_floats([2.0, -1.0], &device);
        let fake = Tensor::<1>::from_floats([0.5, -3.0], &device);
        let sp = |x: f32| (1.0 + x.exp()).ln();
        let expected = (sp(-2.0) + sp(1.0)) / 2.0 + (sp(0.5) + sp(-3.0)) / 2.0;
        let got = scalar(LossKind::Bce.discriminator_loss(real, fake.clone()));
        assert!((got - expected).abs() < 1e-5, "{got} vs {expected}");
        let expected_g = (sp(-0.5) + sp(3.0)) / 2.0;
        let got_g = scalar(LossKind::Bce.generator_loss(fake));
        assert!((got_g - expected_g).abs() < 1e-5);
    }

    #[test]
    fn hinge_and_wgan_match_closed_form() {
        let device = Device::flex();
        let real = Tensor::<1>::from_floats([2.0, 0.0], &device);
        let fake = Tensor::<1>::from_floats([-2.0, 0.5], &device);
        // Hinge: mean(max(0, 1−r)) + mean(max(0, 1+f)) = (0 + 1)/2 + (0 + 1.5)/2.
        let hinge = scalar(LossKind::Hinge.discriminator_loss(real.clone(), fake.clone()));
        assert!((hinge - 1.25).abs() < 1e-6, "{hinge}");
        // WGAN: mean(f) − mean(r) = −0.75 − 1.
        let wgan = scalar(LossKind::WganClip.discriminator_loss(real, fake.clone()));
        assert!((wgan + 1.75).abs() < 1e-6, "{wgan}");
        let g = scalar(LossKind::WganClip.generator_loss(fake.clone()));
        assert!((g - 0.75).abs() < 1e-6);
        assert_eq!(scalar(LossKind::Hinge.generator_loss(fake)), g);
    }

    #[test]
    fn mean_output_is_probability_for_bce() {
        let device = Device::flex();
        let logits = Tensor::<1>::from_floats([0.0, 0.0], &device);
        assert!((scalar(LossKind::Bce.mean_output(logits.clone())) - 0.5).abs() < 1e-6);
        assert_eq!(scalar(LossKind::Hinge.mean_output(logits)), 0.0);
    }
}
