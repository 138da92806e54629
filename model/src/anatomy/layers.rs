//! The layer summaries read from burn modules, and the generator's activations at each depth.

use burn::module::Module;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::tensor::Tensor;
use burn::tensor::activation::{relu, tanh};
use burn::tensor::module::batch_norm_train;

use super::{Architecture, LayerSummary};
use crate::config::LossKind;
use crate::discriminator::Discriminator;
use crate::generator::Generator;
use burn::nn::BatchNorm;

/// A block's learnable parameters: its convolution's weights and batch norm's scale and shift
/// (γ, β) — not batch norm's running mean and variance, which are statistics, not learned (as
/// PyTorch counts them: `sum(p.numel() for p in m.parameters())`).
fn learnable(conv: usize, norm: &BatchNorm) -> usize {
    conv + norm.gamma.val().shape().num_elements() + norm.beta.val().shape().num_elements()
}

impl Architecture {
    /// The networks of `gan`, with shapes for its batch size.
    pub fn of(gan: &crate::training::Gan) -> Self {
        let c = &gan.config;
        Self {
            generator: gan.generator.layers(c.batch_size),
            discriminator: gan
                .discriminator
                .layers(c.batch_size, c.channels, c.image_size, c.loss),
        }
    }
}

/// Output side of a transposed convolution on a side of `input`.
fn transposed_side(conv: &ConvTranspose2d, input: usize) -> usize {
    (input - 1) * conv.stride[0] + conv.dilation[0] * (conv.kernel_size[0] - 1) + 1
        - 2 * conv.padding[0]
        + conv.padding_out[0]
}

/// Output side of a convolution on a side of `input`.
fn conv_side(conv: &Conv2d, input: usize) -> usize {
    let padding = match conv.padding {
        PaddingConfig2d::Explicit(top, _, bottom, _) => top + bottom,
        PaddingConfig2d::Valid => 0,
        // Same keeps the side whatever the kernel.
        PaddingConfig2d::Same => return input.div_ceil(conv.stride[0]),
    };
    (input + padding - conv.dilation[0] * (conv.kernel_size[0] - 1) - 1) / conv.stride[0] + 1
}

/// A convolution's output channels: its weight is `[out, in / groups, k, k]`.
fn out_channels(conv: &Conv2d) -> usize {
    conv.weight.val().dims()[0]
}

fn transposed_label(conv: &ConvTranspose2d) -> String {
    let [k, _] = conv.kernel_size;
    format!(
        "ConvTranspose {k}×{k}, stride {}, padding {}",
        conv.stride[0], conv.padding[0]
    )
}

fn conv_label(conv: &Conv2d) -> String {
    let [k, _] = conv.kernel_size;
    let padding = match conv.padding {
        PaddingConfig2d::Explicit(p, ..) => p.to_string(),
        PaddingConfig2d::Valid => "0".into(),
        PaddingConfig2d::Same => "same".into(),
    };
    format!("Conv {k}×{k}, stride {}, padding {padding}", conv.stride[0])
}

impl Generator {
    /// The layers from z to the image, for a batch of `batch`: first z itself, then each block
    /// and the output layer.
    pub fn layers(&self, batch: usize) -> Vec<LayerSummary> {
        let mut layers = vec![LayerSummary {
            operation: format!("noise z ~ N(0, 1), {} numbers", self.latent_size),
            output: [batch, self.latent_size, 1, 1],
            parameters: 0,
        }];
        let mut side = 1;
        for block in &self.blocks {
            side = transposed_side(&block.conv, side);
            layers.push(LayerSummary {
                operation: format!("{} → BatchNorm → ReLU", transposed_label(&block.conv)),
                output: [batch, block.conv.channels[1], side, side],
                parameters: learnable(block.conv.num_params(), &block.norm),
            });
        }
        side = transposed_side(&self.output, side);
        layers.push(LayerSummary {
            operation: format!("{} → tanh (pixels in −1…1)", transposed_label(&self.output)),
            output: [batch, self.output.channels[1], side, side],
            parameters: self.output.num_params(),
        });
        layers
    }

    /// Every layer's output for the batch `z` (normalised with the batch's statistics, as in
    /// training and in the live grid), the image last: what the generator draws at each depth.
    ///
    /// - z: `[batch, latent]` (batch ≥ 2)
    /// - returns one `[batch, channels, side, side]` per block, then the images
    pub fn activations(&self, z: Tensor<2>) -> Vec<Tensor<4>> {
        let [batch, latent] = z.dims();
        let mut x = z.reshape([batch, latent, 1, 1]); // [batch, latent, 1, 1]
        let mut outputs = Vec::with_capacity(self.blocks.len() + 1);
        for block in &self.blocks {
            let norm = &block.norm;
            let y = block.conv.forward(x); // [batch, width, side, side]
            x = relu(batch_norm_train(y, norm.gamma.val(), norm.beta.val(), norm.epsilon).output);
            outputs.push(x.clone());
        }
        outputs.push(tanh(self.output.forward(x))); // [batch, channels, size, size]
        outputs
    }
}

impl Discriminator {
    /// The layers from the image to D's output, for a batch of `batch` images of
    /// `channels × size × size` judged with `loss`.
    pub fn layers(
        &self,
        batch: usize,
        channels: usize,
        size: usize,
        loss: LossKind,
    ) -> Vec<LayerSummary> {
        let mut layers = vec![LayerSummary {
            operation: "image, real or generated".into(),
            output: [batch, channels, size, size],
            parameters: 0,
        }];
        let mut side = conv_side(&self.input, size);
        layers.push(LayerSummary {
            operation: format!("{} → LeakyReLU(0.2), no BatchNorm", conv_label(&self.input)),
            output: [batch, out_channels(&self.input), side, side],
            parameters: self.input.num_params(),
        });
        for block in &self.blocks {
            side = conv_side(&block.conv, side);
            layers.push(LayerSummary {
                operation: format!("{} → BatchNorm → LeakyReLU(0.2)", conv_label(&block.conv)),
                output: [batch, out_channels(&block.conv), side, side],
                parameters: learnable(block.conv.num_params(), &block.norm),
            });
        }
        side = conv_side(&self.output, side);
        let reading = match loss {
            LossKind::Bce => "one logit → sigmoid: the probability that the image is real",
            LossKind::Hinge | LossKind::WganClip => "one score: higher means “more real”",
        };
        layers.push(LayerSummary {
            operation: format!("{} → {reading}", conv_label(&self.output)),
            output: [batch, out_channels(&self.output), side, side],
            parameters: self.output.num_params(),
        });
        layers
    }

    /// Logits normalised with each batch's own statistics, as D sees its batches in training
    /// (the real and the generated apart); the running statistics are left as they are.
    ///
    /// - images: `[batch, channels, size, size]` (batch ≥ 2)
    /// - returns `[batch]`
    pub fn forward_batch_statistics(&self, images: Tensor<4>) -> Tensor<1> {
        let [batch, ..] = images.dims();
        let slope = crate::discriminator::LEAKY_SLOPE;
        let mut x = burn::tensor::activation::leaky_relu(self.input.forward(images), slope);
        for block in &self.blocks {
            let norm = &block.norm;
            let y = block.conv.forward(x); // [batch, 2w…, side, side]
            let y = batch_norm_train(y, norm.gamma.val(), norm.beta.val(), norm.epsilon).output;
            x = burn::tensor::activation::leaky_relu(y, slope);
        }
        self.output.forward(x).reshape([batch]) // [batch, 1, 1, 1] → [batch]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::GanConfig;
    use burn::tensor::Device;

    fn configs() -> Vec<GanConfig> {
        let mut out = Vec::new();
        for size in [32, 64] {
            for width in [8, 16] {
                out.push(
                    GanConfig::new()
                        .with_image_size(size)
                        .with_channels(if size == 32 { 3 } else { 1 })
                        .with_latent_size(20)
                        .with_generator_width(width)
                        .with_discriminator_width(width * 2),
                );
            }
        }
        out
    }

    /// Batch norm's running means and variances in `blocks`: in burn's `num_params`, not learned.
    fn running_statistics(blocks: &[crate::generator::UpBlock]) -> usize {
        blocks
            .iter()
            .map(|b| 2 * b.norm.gamma.val().dims()[0])
            .sum()
    }

    #[test]
    fn parameters_are_counted_as_pytorch_counts_the_dcgan() {
        // DCGAN-32, z 64, width 64, RGB: G 64→256 (4×4), 256→128, 128→64, 64→3; D 3→64, 64→128,
        // 128→256, 256→1. Convolutions without bias: in·out·16; batch norm γ and β: 2·out.
        let device = Device::flex();
        let config = crate::GanConfig::new();
        let g = Generator::new(&config, &device).layers(1);
        let counts: Vec<usize> = g.iter().map(|l| l.parameters).collect();
        assert_eq!(
            counts,
            [
                0,
                64 * 256 * 16 + 512,
                256 * 128 * 16 + 256,
                128 * 64 * 16 + 128,
                64 * 3 * 16
            ]
        );
        let d = Discriminator::new(&config, &device).layers(1, 3, 32, config.loss);
        let counts: Vec<usize> = d.iter().map(|l| l.parameters).collect();
        assert_eq!(
            counts,
            [
                0,
                3 * 64 * 16,
                64 * 128 * 16 + 256,
                128 * 256 * 16 + 512,
                256 * 16
            ]
        );
    }

    #[test]
    fn generator_layers_have_the_shapes_of_its_forward_pass_and_all_its_parameters() {
        let device = Device::flex();
        for config in configs() {
            let g = Generator::new(&config, &device);
            let layers = g.layers(3);
            let z = Tensor::<2>::ones([3, config.latent_size], &device);
            let outputs = g.activations(z.clone());
            assert_eq!(layers.len(), outputs.len() + 1, "z, then one per output");
            for (layer, output) in layers[1..].iter().zip(&outputs) {
                assert_eq!(layer.output, output.dims(), "{}", layer.operation);
            }
            assert_eq!(layers.last().unwrap().output, g.forward(z).dims());
            let total: usize = layers.iter().map(|l| l.parameters).sum();
            assert_eq!(total, g.num_params() - running_statistics(&g.blocks));
        }
    }

    #[test]
    fn discriminator_layers_have_the_shapes_of_its_forward_pass_and_all_its_parameters() {
        let device = Device::flex();
        for config in configs() {
            let d = Discriminator::new(&config, &device);
            let (c, s) = (config.channels, config.image_size);
            let layers = d.layers(3, c, s, config.loss);
            assert_eq!(layers[0].output, [3, c, s, s]);
            // Run the layers one by one and compare the shapes.
            let mut x = Tensor::<4>::ones([3, c, s, s], &device);
            x = d.input.forward(x);
            assert_eq!(layers[1].output, x.dims());
            for (layer, block) in layers[2..].iter().zip(&d.blocks) {
                x = block.forward(x);
                assert_eq!(layer.output, x.dims(), "{}", layer.operation);
            }
            assert_eq!(layers.last().unwrap().output, d.output.forward(x).dims());
            assert_eq!(layers.len(), d.blocks.len() + 3);
            let total: usize = layers.iter().map(|l| l.parameters).sum();
            let running: usize = d
                .blocks
                .iter()
                .map(|b| 2 * b.norm.gamma.val().dims()[0])
                .sum();
            assert_eq!(total, d.num_params() - running);
        }
    }

    #[test]
    fn batch_statistics_logits_are_the_training_forward_passes() {
        let device = Device::flex();
        let gan = crate::training::Gan::new(configs()[0].clone(), &device).unwrap();
        let images = Tensor::<4>::random(
            [4, 3, 32, 32],
            burn::tensor::Distribution::Uniform(-1.0, 1.0),
            &device,
        );
        // The inference copy (no autodiff) normalised with this batch's statistics…
        let ours: Vec<f32> = gan
            .discriminator
            .valid()
            .forward_batch_statistics(images.clone())
            .into_data()
            .iter::<f32>()
            .collect();
        // …equals the training forward pass, which batch norm takes in training mode.
        let theirs: Vec<f32> = gan
            .discriminator
            .forward(images.to_device(gan.device()))
            .inner()
            .into_data()
            .iter::<f32>()
            .collect();
        for (a, b) in ours.iter().zip(&theirs) {
            assert!((a - b).abs() < 1e-4, "{a} vs {b}");
        }
        assert_eq!(ours.len(), 4);
    }
}
