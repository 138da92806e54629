//! The networks described layer by layer, read from the modules themselves: what each layer
//! does, the shape it outputs and its parameter count (the page's architecture view and
//! `gan-train architecture`); and the generator's activations at each depth.

use serde::{Deserialize, Serialize};

#[cfg(feature = "burn")]
mod layers;

/// One layer (or block of layers) as a diagram shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerSummary {
    /// What it computes, e.g. "ConvTranspose 4×4, stride 2, padding 1 → BatchNorm → ReLU".
    pub operation: String,
    /// Output shape `[batch, channels, height, width]`; a vector's is `[batch, n, 1, 1]`.
    pub output: [usize; 4],
    /// Trainable parameters (batch norm's running statistics are not trained, so not counted).
    pub parameters: usize,
}

/// Both networks layer by layer, as built for one configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Architecture {
    /// From z to the image.
    pub generator: Vec<LayerSummary>,
    /// From the image to D's output.
    pub discriminator: Vec<LayerSummary>,
}

/// D's outputs on a row of real and a row of generated images, read back on the host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// Logits on the real images.
    pub real: Vec<f32>,
    /// Logits on the generated images.
    pub fake: Vec<f32>,
}
