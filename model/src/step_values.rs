//! What one training step reports, as plain numbers (both threads of the page see these).

/// The losses and mean D outputs of one step, read back to the host (from `StepStats` where
/// the networks are built).
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct StepValues {
    /// Discriminator loss.
    pub d_loss: Option<f32>,
    /// Generator loss.
    pub g_loss: Option<f32>,
    /// Mean D(x).
    pub d_real: Option<f32>,
    /// Mean D(G(z)).
    pub d_fake: Option<f32>,
    /// L2 norm of the discriminator's gradient.
    #[serde(default)]
    pub d_grad_norm: Option<f32>,
    /// L2 norm of the generator's gradient.
    #[serde(default)]
    pub g_grad_norm: Option<f32>,
    /// Adaptive augmentation's probability p (when it is on).
    #[serde(default)]
    pub ada_probability: Option<f32>,
    /// Adaptive augmentation's overfitting measure r_t (when it is on).
    #[serde(default)]
    pub ada_overfitting: Option<f32>,
}

impl StepValues {
    /// Every value, in field order.
    pub fn all(&self) -> [Option<f32>; 8] {
        [
            self.d_loss,
            self.g_loss,
            self.d_real,
            self.d_fake,
            self.d_grad_norm,
            self.g_grad_norm,
            self.ada_probability,
            self.ada_overfitting,
        ]
    }

    /// True when every value present is a finite number.
    pub fn is_finite(&self) -> bool {
        self.all().iter().flatten().all(|v| v.is_finite())
    }
}
