//! Adversarial losses on discriminator logits, and the mean D outputs that the charts show.

#[cfg(feature = "burn")]
use burn::tensor::Tensor;
#[cfg(feature = "burn")]
use burn::tensor::activation::{relu, sigmoid, softplus};

use crate::config::LossKind;

#[cfg(feature = "burn")]
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

/// A loss taken apart into the terms the page explains, computed on the host from D's outputs
/// (logits) on a row of real and a row of generated images.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LossTerms {
    /// D's loss on the real images (BCE: mean −log D(x)).
    pub d_real: f64,
    /// D's loss on the generated images (BCE: mean −log(1 − D(G(z)))).
    pub d_fake: f64,
    /// G's loss on the generated images (BCE: mean −log D(G(z))).
    pub g: f64,
}

/// log(1 + eˣ) without overflow (as burn's softplus: linear above 20).
fn softplus_f64(x: f64) -> f64 {
    if x > 20.0 { x } else { x.exp().ln_1p() }
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 { f64::NAN } else { sum / n as f64 }
}

impl LossKind {
    /// The terms of this loss for D's logits on `real` and on `fake` images; D's loss is
    /// `d_real + d_fake`, as [`discriminator_loss`](Self::discriminator_loss) computes it.
    pub fn terms(self, real: &[f32], fake: &[f32]) -> LossTerms {
        let r = || real.iter().map(|&v| v as f64);
        let f = || fake.iter().map(|&v| v as f64);
        match self {
            LossKind::Bce => LossTerms {
                d_real: mean(r().map(|v| softplus_f64(-v))),
                d_fake: mean(f().map(softplus_f64)),
                g: mean(f().map(|v| softplus_f64(-v))),
            },
            LossKind::Hinge => LossTerms {
                d_real: mean(r().map(|v| (1.0 - v).max(0.0))),
                d_fake: mean(f().map(|v| (1.0 + v).max(0.0))),
                g: -mean(f()),
            },
            LossKind::WganClip => LossTerms {
                d_real: -mean(r()),
                d_fake: mean(f()),
                g: -mean(f()),
            },
        }
    }

    /// What D's raw output becomes on the page: the probability "real" for BCE (sigmoid of
    /// the logit), the score itself for the others.
    pub fn shown_output(self, logit: f32) -> f32 {
        match self {
            LossKind::Bce => 1.0 / (1.0 + (-logit).exp()),
            LossKind::Hinge | LossKind::WganClip => logit,
        }
    }
}

#[cfg(all(test, feature = "burn"))]
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

    #[test]
    fn the_terms_add_up_to_the_losses_the_networks_train_on() {
        let device = Device::flex();
        let real = [2.5f32, -0.3, 0.8, 25.0];
        let fake = [-1.2f32, 0.4, -30.0, 0.1];
        for loss in LossKind::ALL {
            let terms = loss.terms(&real, &fake);
            let t = |v: &[f32]| Tensor::<1>::from_floats(v, &device);
            let d = scalar(loss.discriminator_loss(t(&real), t(&fake))) as f64;
            let g = scalar(loss.generator_loss(t(&fake))) as f64;
            assert!(
                (terms.d_real + terms.d_fake - d).abs() < 1e-5,
                "{loss:?}: {terms:?} vs {d}"
            );
            assert!((terms.g - g).abs() < 1e-5, "{loss:?}: {terms:?} vs {g}");
            let shown = loss.shown_output(real[0]) as f64;
            let mean = scalar(loss.mean_output(t(&real[..1]))) as f64;
            assert!((shown - mean).abs() < 1e-6);
        }
    }
}
