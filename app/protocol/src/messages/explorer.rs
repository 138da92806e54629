//! The latent explorer's messages: which generator draws, what for, and what comes back.

use model::GanConfig;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

/// A generator shipped with the page (`public/pretrained/`, whose README says how each was
/// made).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Showcase {
    /// Handwritten digits, grey: what the explorer opens with.
    Digits,
    /// Food and drink emoji, in colour (loaded when first chosen).
    Food,
}

impl Showcase {
    /// Every shipped generator, in the order the explorer lists them.
    pub const ALL: [Showcase; 2] = [Showcase::Digits, Showcase::Food];

    /// Its file, relative to the page.
    pub fn url(self) -> &'static str {
        match self {
            Showcase::Digits => "pretrained/digits.gan",
            Showcase::Food => "pretrained/food.gan",
        }
    }

    /// What it learned from, for its label.
    pub fn trained_on(self) -> &'static str {
        match self {
            Showcase::Digits => "digits",
            Showcase::Food => "food emoji",
        }
    }

    /// Its name in the explorer's link (`pre` was the only one's, so old links still open).
    pub fn link_name(self) -> &'static str {
        match self {
            Showcase::Digits => "pre",
            Showcase::Food => "food",
        }
    }
}

/// Which generator the explorer draws with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GeneratorSource {
    /// A generator shipped with the page.
    Pretrained(Showcase),
    /// The model being trained on this page (its latest weights).
    Training,
}

impl Default for GeneratorSource {
    fn default() -> Self {
        GeneratorSource::Pretrained(Showcase::Digits)
    }
}

/// What rendered images are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RenderPurpose {
    /// The large preview of the current z.
    Preview,
    /// The interpolation strip.
    Strip,
}

/// A file the explorer exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportFormat {
    /// One image, enlarged.
    Png,
    /// The frames side by side.
    StripPng,
    /// The frames as a looping animation.
    Gif {
        /// How long each frame shows.
        frame_ms: u32,
    },
}

/// Images drawn for the explorer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rendered {
    /// The request's id.
    pub id: u64,
    /// What they are for.
    pub purpose: RenderPurpose,
    /// One RGBA8 image of `size × size` per z, or why none could be drawn.
    pub frames: Result<Vec<ByteBuf>, String>,
    /// Side of each image.
    pub size: u32,
    /// Time in the worker, including the read-back.
    pub ms: f64,
}

/// The generator shipped with the page, once loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PretrainedInfo {
    /// Its configuration.
    pub config: GanConfig,
    /// Steps it was trained for.
    pub step: u64,
}
