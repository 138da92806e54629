//! The DCGAN generator: noise z through transposed convolutions to an image in [-1, 1].

use burn::module::{Module, RunningState};
use burn::nn::BatchNorm;
use burn::nn::conv::{ConvTranspose2d, ConvTranspose2dConfig};
use burn::tensor::activation::{relu, tanh};
use burn::tensor::module::batch_norm_train;
use burn::tensor::{Device, Tensor};

use crate::config::GanConfig;
use crate::init::{CONV_INIT, batch_norm};

/// Transposed convolution, batch norm, ReLU: doubles the side (or, first, makes 4×4 from 1×1).
#[derive(Module, Debug)]
pub struct UpBlock {
    /// Kernel 4; stride 1 and padding 0 for the first block, stride 2 and padding 1 after.
    pub conv: ConvTranspose2d,
    /// Batch norm over the block's output channels.
    pub norm: BatchNorm,
}

impl UpBlock {
    fn new(channels: [usize; 2], first: bool, device: &Device) -> Self {
        let (stride, padding) = if first { (1, 0) } else { (2, 1) };
        let conv = ConvTranspose2dConfig::new(channels, [4, 4])
            .with_stride([stride, stride])
            .with_padding([padding, padding])
            .with_bias(false)
            .with_initializer(CONV_INIT)
            .init(device);
        Self {
            conv,
            norm: batch_norm(channels[1], device),
        }
    }

    /// `[batch, in, h, w]` → `[batch, out, 2h, 2w]` (first block: `[b, z, 1, 1]` → `[b, out, 4, 4]`).
    pub fn forward(&self, input: Tensor<4>) -> Tensor<4> {
        relu(self.norm.forward(self.conv.forward(input)))
    }

    /// As [`forward`](Self::forward), normalising with this batch's statistics and leaving the
    /// running statistics untouched.
    pub fn forward_batch_statistics(&self, input: Tensor<4>) -> Tensor<4> {
        let x = self.conv.forward(input);
        let norm = &self.norm;
        relu(batch_norm_train(x, norm.gamma.val(), norm.beta.val(), norm.epsilon).output)
    }
}

/// DCGAN generator. For 32×32 with width 64: z(64) → 256·4² → 128·8² → 64·16² → 3·32².
#[derive(Module, Debug)]
pub struct Generator {
    /// Hidden blocks, from 1×1 up to half the image side.
    pub blocks: Vec<UpBlock>,
    /// Last transposed convolution to the image channels (no batch norm, then tanh).
    pub output: ConvTranspose2d,
    /// Length of z.
    pub latent_size: usize,
}

impl Generator {
    /// Builds the generator of `config` with DCGAN's initialisation.
    pub fn new(config: &GanConfig, device: &Device) -> Self {
        let hidden = config.resampling_layers();
        // Widths from the first block down: w·2^(hidden-1), …, 2w, w.
        let widths: Vec<usize> = (0..hidden)
            .rev()
            .map(|i| config.generator_width << i)
            .collect();
        let mut blocks = Vec::with_capacity(hidden);
        let mut input = config.latent_size;
        for (i, &width) in widths.iter().enumerate() {
            blocks.push(UpBlock::new([input, width], i == 0, device));
            input = width;
        }
        let output = ConvTranspose2dConfig::new([input, config.channels], [4, 4])
            .with_stride([2, 2])
            .with_padding([1, 1])
            .with_bias(false)
            .with_initializer(CONV_INIT)
            .init(device);
        Self {
            blocks,
            output,
            latent_size: config.latent_size,
        }
    }

    /// Images from latent vectors.
    ///
    /// - z: `[batch, latent]`
    /// - returns `[batch, channels, size, size]` in [-1, 1]
    pub fn forward(&self, z: Tensor<2>) -> Tensor<4> {
        let [batch, latent] = z.dims();
        let x = z.reshape([batch, latent, 1, 1]); // [batch, latent, 1, 1]
        let x = self.blocks.iter().fold(x, |x, block| block.forward(x)); // [batch, w, s/2, s/2]
        tanh(self.output.forward(x)) // [batch, channels, s, s]
    }

    /// Images normalised with the batch's own statistics (as in training) instead of the running
    /// ones; the running statistics are not updated. Early in training the running statistics
    /// lag far behind, so a sample grid made this way shows what the generator has learnt.
    ///
    /// - z: `[batch, latent]` (batch ≥ 2)
    /// - returns `[batch, channels, size, size]` in [-1, 1]
    pub fn forward_batch_statistics(&self, z: Tensor<2>) -> Tensor<4> {
        let [batch, latent] = z.dims();
        let x = z.reshape([batch, latent, 1, 1]); // [batch, latent, 1, 1]
        let x = self
            .blocks
            .iter()
            .fold(x, |x, block| block.forward_batch_statistics(x)); // [batch, w, s/2, s/2]
        tanh(self.output.forward(x)) // [batch, channels, s, s]
    }

    /// A copy whose batch norms hold the statistics of the batch `z` as their running ones, so
    /// that single images made in inference mode look exactly as they do in that batch. The
    /// explorer calibrates on the live grid's fixed z: a clicked tile and its preview match,
    /// and early in training (running statistics far behind) the preview is not flat grey.
    ///
    /// - z: `[batch, latent]` (batch ≥ 2)
    pub fn calibrated(&self, z: Tensor<2>) -> Generator {
        let [batch, latent] = z.dims();
        let mut out = self.clone();
        let mut x = z.reshape([batch, latent, 1, 1]); // [batch, latent, 1, 1]
        for block in &mut out.blocks {
            let y = block.conv.forward(x); // [batch, width, side, side]
            let norm = &block.norm;
            let stats = batch_norm_train(y, norm.gamma.val(), norm.beta.val(), norm.epsilon);
            block.norm.running_mean = RunningState::new(stats.mean); // [width]
            block.norm.running_var = RunningState::new(stats.variance); // [width]
            x = relu(stats.output);
        }
        out
    }

    /// The first block's activations, flattened: what the principal directions are computed on.
    ///
    /// - z: `[batch, latent]`
    /// - returns `[batch, features]` (features = first width · 4 · 4)
    pub fn first_layer(&self, z: Tensor<2>) -> Tensor<2> {
        let [batch, latent] = z.dims();
        let x = self.blocks[0].forward(z.reshape([batch, latent, 1, 1])); // [batch, 8w, 4, 4]
        x.flatten(1, 3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_for_both_sizes() {
        let device = Device::flex();
        for (size, channels, blocks) in [(32, 3, 3), (64, 1, 4)] {
            let config = GanConfig::new()
                .with_image_size(size)
                .with_channels(channels)
                .with_generator_width(8)
                .with_latent_size(16);
            let g = Generator::new(&config, &device);
            assert_eq!(g.blocks.len(), blocks);
            let z = Tensor::<2>::zeros([2, 16], &device);
            assert_eq!(g.forward(z.clone()).dims(), [2, channels, size, size]);
            let first = 8 << (blocks - 1);
            assert_eq!(g.first_layer(z).dims(), [2, first * 16]);
        }
    }

    #[test]
    fn batch_statistics_match_training_mode_and_leave_running_stats() {
        let config = GanConfig::new()
            .with_generator_width(8)
            .with_latent_size(16);
        let device = Device::flex();
        let training = Generator::new(&config, &device.clone().autodiff()).materialize();
        let inference = training.valid();
        let z = Tensor::<2>::from_data(
            burn::tensor::TensorData::new(crate::latent::seeded_normal(3, 4, 16).concat(), [4, 16]),
            &device,
        );
        let running = inference.blocks[0].norm.running_mean.value().into_data();
        let ours = inference.forward_batch_statistics(z.clone()).into_data();
        assert_eq!(
            inference.blocks[0].norm.running_mean.value().into_data(),
            running
        );
        let reference = training.forward(z.autodiff()).inner().into_data();
        ours.assert_approx_eq::<f32>(&reference, burn::tensor::Tolerance::absolute(1e-5));
    }

    #[test]
    fn a_calibrated_generator_draws_each_image_as_its_batch_does() {
        let config = GanConfig::new()
            .with_generator_width(8)
            .with_latent_size(16);
        let device = Device::flex();
        let g = Generator::new(&config, &device);
        let zs = crate::latent::seeded_normal(5, 8, 16);
        let batch =
            Tensor::<2>::from_data(burn::tensor::TensorData::new(zs.concat(), [8, 16]), &device);
        let calibrated = g.calibrated(batch.clone());
        let together = g
            .forward_batch_statistics(batch)
            .narrow(0, 3, 1)
            .into_data();
        let alone = Tensor::<2>::from_data(
            burn::tensor::TensorData::new(zs[3].clone(), [1, 16]),
            &device,
        );
        calibrated
            .forward(alone.clone())
            .into_data()
            .assert_approx_eq::<f32>(&together, burn::tensor::Tolerance::absolute(1e-4));
        // The original keeps its own running statistics (fresh: mean 0), so it draws differently.
        let plain = g.forward(alone).into_data().try_to_vec::<f32>().unwrap();
        let together = together.try_to_vec::<f32>().unwrap();
        let gap = plain
            .iter()
            .zip(&together)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert!(gap > 1e-3, "running statistics made no difference ({gap})");
    }

    #[test]
    fn output_is_in_tanh_range() {
        let device = Device::flex();
        let config = GanConfig::new().with_generator_width(8);
        let g = Generator::new(&config, &device);
        let z = Tensor::<2>::ones([2, 64], &device).mul_scalar(3.0);
        let data = g.forward(z).into_data().try_to_vec::<f32>().unwrap();
        assert!(data.iter().all(|v| (-1.0..=1.0).contains(v)));
    }
}
