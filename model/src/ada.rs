//! Adaptive discriminator augmentation (Karras et al. 2020, *Training Generative Adversarial
//! Networks with Limited Data*, ADA): DiffAugment's changes ([`crate::augment`]) applied with a
//! probability p that a feedback loop sets, instead of a fixed dose.
//!
//! Why: on a small set D soon learns the real images by heart and the samples fall apart;
//! augmenting every image D sees prevents it, but augmenting from the start slows early
//! learning (measured in the README). ADA augments only as much as D's memorising calls for.
//! Its overfitting measure is r_t = E[sign(D(x))] over the real images D has just seen: 0 when
//! D is as unsure of real images as of generated ones, 1 when it calls every real image real
//! with a margin. Every [`ADJUST_EVERY`] D updates, p moves by a fixed amount up while r_t is
//! above the target and down while it is below, clamped to [0, p_max].
//!
//! Everything stays on the device: the signs are summed there, p is adjusted there and the
//! augmentation compares its random chances with p there, so a step never waits for a read
//! (a browser cannot read WebGPU synchronously). p and r_t come back with a step's other
//! values, and checkpoints keep them ([`AdaState`]) so a resumed run goes on exactly.

use burn::tensor::{Device, ExecutionError, Tensor};

use crate::config::GanConfig;

/// D updates between two adjustments of p (the paper's 4 minibatches).
pub const ADJUST_EVERY: u64 = 4;

/// The feedback loop's state, on the training device. Cloning is cheap (tensor handles).
#[derive(Clone, Debug)]
pub struct Ada {
    /// The augmentation probability p, `[1]`.
    probability: Tensor<1>,
    /// r_t of the last adjustment, `[1]`.
    overfitting: Tensor<1>,
    /// The sum of each D update's mean sign(D(x)) since the last adjustment, `[1]`.
    signs: Tensor<1>,
    /// D updates since the last adjustment.
    seen: u64,
}

/// [`Ada`]'s state as numbers: what checkpoints, project files and autosaves keep.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct AdaState {
    /// The augmentation probability p.
    pub probability: f32,
    /// r_t of the last adjustment.
    pub overfitting: f32,
    /// The sum of mean signs since the last adjustment.
    pub signs: f32,
    /// D updates since the last adjustment.
    pub seen: u64,
}

impl Ada {
    /// p = 0, nothing seen, on `device`.
    pub fn new(device: &Device) -> Self {
        Self::from_state(&AdaState::default(), device)
    }

    /// The loop as `state` left it, on `device`.
    pub fn from_state(state: &AdaState, device: &Device) -> Self {
        let scalar = |v: f32| Tensor::<1>::from_floats([v], device);
        Self {
            probability: scalar(state.probability),
            overfitting: scalar(state.overfitting),
            signs: scalar(state.signs),
            seen: state.seen,
        }
    }

    /// The augmentation probability p, `[1]` on the training device.
    pub fn probability(&self) -> Tensor<1> {
        self.probability.clone()
    }

    /// r_t of the last adjustment, `[1]` on the training device.
    pub fn overfitting(&self) -> Tensor<1> {
        self.overfitting.clone()
    }

    /// Counts one D update whose outputs on the (augmented) real batch were `d_real`
    /// (`[batch]`, D's raw outputs: logits under BCE), and adjusts p every [`ADJUST_EVERY`]
    /// updates by ±[`ADJUST_EVERY`] / `config.ada_ramp_steps` towards `config.ada_target`.
    pub fn observe(&mut self, d_real: Tensor<1>, config: &GanConfig) {
        let mean_sign = d_real.detach().sign().mean(); // [1]
        self.signs = self.signs.clone() + mean_sign;
        self.seen += 1;
        if self.seen < ADJUST_EVERY {
            return;
        }
        let overfitting = self.signs.clone().div_scalar(self.seen as f64); // [1]
        let step = self.seen as f64 / config.ada_ramp_steps as f64;
        let direction = overfitting.clone().sub_scalar(config.ada_target).sign(); // −1, 0, 1
        self.probability = (self.probability.clone() + direction.mul_scalar(step))
            .clamp(0.0, config.ada_max)
            .detach();
        self.overfitting = overfitting.detach();
        self.signs = self.signs.clone().zeros_like();
        self.seen = 0;
    }

    /// The state as numbers, read synchronously (native code).
    pub fn state(&self) -> AdaState {
        let values: Vec<f32> = self.stacked().into_data().iter::<f32>().collect();
        self.state_from(&values)
    }

    /// The state as numbers, with one asynchronous device read (the browser).
    pub async fn state_async(&self) -> Result<AdaState, ExecutionError> {
        let data = self.stacked().into_data_async().await?;
        let values: Vec<f32> = data.iter::<f32>().collect();
        Ok(self.state_from(&values))
    }

    /// p, r_t and the sum of signs in one tensor, `[3]`.
    fn stacked(&self) -> Tensor<1> {
        Tensor::cat(
            vec![
                self.probability.clone(),
                self.overfitting.clone(),
                self.signs.clone(),
            ],
            0,
        )
    }

    fn state_from(&self, values: &[f32]) -> AdaState {
        AdaState {
            probability: values[0],
            overfitting: values[1],
            signs: values[2],
            seen: self.seen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(ramp: u64) -> GanConfig {
        GanConfig::new()
            .with_ada_target(0.6)
            .with_ada_ramp_steps(ramp)
            .with_ada_max(0.5)
    }

    /// D outputs for a batch of 8 of which `positive` are positive.
    fn outputs(positive: usize, device: &Device) -> Tensor<1> {
        let v: Vec<f32> = (0..8)
            .map(|i| if i < positive { 2.5 } else { -0.5 })
            .collect();
        Tensor::from_floats(v.as_slice(), device)
    }

    #[test]
    fn p_rises_while_d_is_sure_of_the_real_images_and_stops_at_its_highest() {
        let device = Device::flex();
        let config = config(40);
        let mut ada = Ada::new(&device);
        // r_t = 1 (every real image called real): up by 4/40 every 4 updates.
        for update in 1..=8 {
            ada.observe(outputs(8, &device), &config);
            let state = ada.state();
            let adjustments = update / ADJUST_EVERY;
            assert!((state.probability - 0.1 * adjustments as f32).abs() < 1e-6);
            assert_eq!(state.seen, update % ADJUST_EVERY);
        }
        assert_eq!(ada.state().overfitting, 1.0);
        for _ in 0..100 {
            ada.observe(outputs(8, &device), &config);
        }
        assert_eq!(ada.state().probability, 0.5, "clamped to the highest p");
    }

    #[test]
    fn p_falls_while_d_is_unsure_and_never_below_zero() {
        let device = Device::flex();
        let config = config(40);
        let mut ada = Ada::from_state(
            &AdaState {
                probability: 0.15,
                ..AdaState::default()
            },
            &device,
        );
        // 5 of 8 positive: r_t = (5 − 3)/8 = 0.25, below 0.6.
        for _ in 0..ADJUST_EVERY {
            ada.observe(outputs(5, &device), &config);
        }
        let state = ada.state();
        assert!((state.probability - 0.05).abs() < 1e-6, "{state:?}");
        assert!((state.overfitting - 0.25).abs() < 1e-6);
        for _ in 0..ADJUST_EVERY * 3 {
            ada.observe(outputs(5, &device), &config);
        }
        assert_eq!(ada.state().probability, 0.0);
    }

    #[test]
    fn the_state_round_trips_mid_interval() {
        let device = Device::flex();
        let config = config(10);
        let mut ada = Ada::new(&device);
        for positive in [8, 8, 8, 8, 7, 6] {
            ada.observe(outputs(positive, &device), &config);
        }
        let state = ada.state();
        assert_eq!(state.seen, 2);
        assert_eq!(pollster::block_on(ada.state_async()).unwrap(), state);
        let mut back = Ada::from_state(&state, &device);
        for positive in [1, 0] {
            ada.observe(outputs(positive, &device), &config);
            back.observe(outputs(positive, &device), &config);
        }
        assert_eq!(back.state(), ada.state());
    }
}
