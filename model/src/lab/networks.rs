//! The 2-D lab's two players: small multilayer perceptrons, G from z to a point and D from a
//! point to one logit.

use burn::module::{Module, Param};
use burn::nn::Linear;
use burn::tensor::activation::{leaky_relu, relu, tanh};
use burn::tensor::{Device, Tensor, TensorData};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::config::{Activation, LabConfig};

/// A stack of fully connected layers with a non-linearity between them.
#[derive(Module, Debug)]
pub struct Mlp {
    /// Hidden layers, each followed by the activation.
    pub hidden: Vec<Linear>,
    /// The last layer, linear.
    pub output: Linear,
    /// The hidden layers' non-linearity.
    #[module(skip)]
    pub activation: Activation,
}

/// A layer `inputs → outputs` with PyTorch's default initialisation (weights and biases uniform
/// on ±1/√inputs), drawn on the host from `rng` so that a seed gives the same network on every
/// backend.
fn seeded_linear(inputs: usize, outputs: usize, rng: &mut ChaCha8Rng, device: &Device) -> Linear {
    let bound = 1.0 / (inputs as f32).sqrt();
    let mut draw =
        |n: usize| -> Vec<f32> { (0..n).map(|_| rng.random_range(-bound..bound)).collect() };
    let weight = Tensor::<2>::from_data(
        TensorData::new(draw(inputs * outputs), [inputs, outputs]),
        device,
    );
    let bias = Tensor::<1>::from_data(TensorData::new(draw(outputs), [outputs]), device);
    Linear {
        weight: Param::from_tensor(weight),
        bias: Some(Param::from_tensor(bias)),
    }
}

impl Mlp {
    /// `inputs → width (×depth) → outputs`, seeded.
    pub fn new(
        config: &LabConfig,
        inputs: usize,
        outputs: usize,
        seed: u64,
        device: &Device,
    ) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut hidden = Vec::with_capacity(config.depth);
        let mut width = inputs;
        for _ in 0..config.depth {
            hidden.push(seeded_linear(width, config.width, &mut rng, device));
            width = config.width;
        }
        let output = seeded_linear(width, outputs, &mut rng, device);
        Self {
            hidden,
            output,
            activation: config.activation,
        }
    }

    /// # Shapes
    /// - input: `[batch, inputs]`
    /// - returns `[batch, outputs]`
    pub fn forward(&self, input: Tensor<2>) -> Tensor<2> {
        let mut x = input;
        for layer in &self.hidden {
            x = layer.forward(x); // [batch, width]
            x = match self.activation {
                Activation::Relu => relu(x),
                Activation::LeakyRelu => leaky_relu(x, 0.2),
                Activation::Tanh => tanh(x),
            };
        }
        self.output.forward(x)
    }
}

/// G: z (`noise_size` numbers) to a point of the plane.
pub fn generator(config: &LabConfig, device: &Device) -> Mlp {
    Mlp::new(config, config.noise_size, 2, config.seed, device)
}

/// D: a point to one logit (a score for hinge and WGAN).
pub fn discriminator(config: &LabConfig, device: &Device) -> Mlp {
    Mlp::new(config, 2, 1, config.seed ^ 0xD15C, device)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_seeds() {
        let device = Device::flex();
        let config = LabConfig::new()
            .with_noise_size(3)
            .with_width(16)
            .with_depth(2);
        let g = generator(&config, &device);
        let d = discriminator(&config, &device);
        let z = Tensor::<2>::zeros([5, 3], &device);
        let points = g.forward(z.clone()); // [5, 2]
        assert_eq!(points.dims(), [5, 2]);
        assert_eq!(d.forward(points).dims(), [5, 1]);
        let again = generator(&config, &device).forward(z.clone());
        assert_eq!(
            again.into_data(),
            g.forward(z).into_data(),
            "the same seed, the same network"
        );
        assert_eq!(g.hidden.len(), 2);
    }
}
