//! The DCGAN discriminator: strided convolutions from an image to one logit.

use burn::module::Module;
use burn::nn::BatchNorm;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::tensor::activation::leaky_relu;
use burn::tensor::{Device, Tensor};

use crate::config::GanConfig;
use crate::init::{CONV_INIT, batch_norm};

/// Slope of DCGAN's LeakyReLU.
pub(crate) const LEAKY_SLOPE: f64 = 0.2;

fn strided_conv(channels: [usize; 2], device: &Device) -> Conv2d {
    Conv2dConfig::new(channels, [4, 4])
        .with_stride([2, 2])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .with_bias(false)
        .with_initializer(CONV_INIT)
        .init(device)
}

/// Strided convolution, batch norm, LeakyReLU(0.2): halves the side.
#[derive(Module, Debug)]
pub struct DownBlock {
    /// Kernel 4, stride 2, padding 1.
    pub conv: Conv2d,
    /// Batch norm over the block's output channels.
    pub norm: BatchNorm,
}

impl DownBlock {
    /// `[batch, in, h, w]` → `[batch, out, h/2, w/2]`
    pub fn forward(&self, input: Tensor<4>) -> Tensor<4> {
        leaky_relu(self.norm.forward(self.conv.forward(input)), LEAKY_SLOPE)
    }
}

/// DCGAN discriminator. For 32×32 with width 64: 3·32² → 64·16² → 128·8² → 256·4² → 1 logit.
#[derive(Module, Debug)]
pub struct Discriminator {
    /// First strided convolution, without batch norm (as in DCGAN).
    pub input: Conv2d,
    /// Strided convolutions with batch norm, down to 4×4.
    pub blocks: Vec<DownBlock>,
    /// 4×4 convolution to a single logit.
    pub output: Conv2d,
}

impl Discriminator {
    /// Builds the discriminator of `config` with DCGAN's initialisation.
    pub fn new(config: &GanConfig, device: &Device) -> Self {
        let width = config.discriminator_width;
        let input = strided_conv([config.channels, width], device);
        let mut blocks = Vec::new();
        let mut channels = width;
        for _ in 1..config.resampling_layers() {
            blocks.push(DownBlock {
                conv: strided_conv([channels, channels * 2], device),
                norm: batch_norm(channels * 2, device),
            });
            channels *= 2;
        }
        let output = Conv2dConfig::new([channels, 1], [4, 4])
            .with_bias(false)
            .with_initializer(CONV_INIT)
            .init(device);
        Self {
            input,
            blocks,
            output,
        }
    }

    /// Logits (before the sigmoid) that each image is real.
    ///
    /// - images: `[batch, channels, size, size]` in [-1, 1]
    /// - returns `[batch]`
    pub fn forward(&self, images: Tensor<4>) -> Tensor<1> {
        let [batch, ..] = images.dims();
        let x = leaky_relu(self.input.forward(images), LEAKY_SLOPE); // [batch, w, s/2, s/2]
        let x = self.blocks.iter().fold(x, |x, block| block.forward(x)); // [batch, 4w, 4, 4]
        self.output.forward(x).reshape([batch]) // [batch, 1, 1, 1] → [batch]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_for_both_sizes() {
        let device = Device::flex();
        for (size, channels, blocks) in [(32, 3, 2), (64, 1, 3)] {
            let config = GanConfig::new()
                .with_image_size(size)
                .with_channels(channels)
                .with_discriminator_width(8);
            let d = Discriminator::new(&config, &device);
            assert_eq!(d.blocks.len(), blocks);
            let images = Tensor::<4>::zeros([3, channels, size, size], &device);
            assert_eq!(d.forward(images).dims(), [3]);
        }
    }
}
