//! What the page asks about the model besides training, and the answers: the training images
//! nearest to one of the verdict's, how near the samples sit to the data, G's feature maps.

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

/// An image of the verdict and its nearest training images.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NearestReport {
    /// From the real row (else the generated one).
    pub real: bool,
    /// Its place in the row.
    pub index: usize,
    /// Side of every image.
    pub size: u32,
    /// The image asked about, RGBA8.
    #[serde(with = "serde_bytes")]
    pub query: Vec<u8>,
    /// The nearest training images, nearest first.
    pub neighbours: Vec<Neighbour>,
}

/// A training image and its distance to the image asked about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Neighbour {
    /// Its index in the training set.
    pub index: usize,
    /// Pixel (L2) distance at training resolution, pixels in [-1, 1].
    pub distance: f32,
    /// The image asked about is nearest to this one's mirror (training flips images).
    pub mirrored: bool,
    /// RGBA8.
    #[serde(with = "serde_bytes")]
    pub rgba: Vec<u8>,
}

/// Medians of nearest-training-image distances (pixel L2 at training resolution), each
/// training image compared as it is and mirrored.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Memorisation {
    /// Of the samples to their nearest training image.
    pub samples: f32,
    /// Of training images to their nearest other training image.
    pub training: f32,
    /// Training images compared with.
    pub images: usize,
}

/// Feature maps of one generator layer, each as a grey RGBA8 image scaled to its own range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureMaps {
    /// The layer asked for.
    pub layer: usize,
    /// Side of each map.
    pub side: u32,
    /// One RGBA8 image per channel shown, or why none could be read.
    pub maps: Result<Vec<ByteBuf>, String>,
}
