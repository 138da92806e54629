//! The latent explorer's messages: which generator draws, what for, and what comes back.

use model::GanConfig;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

/// A generator shipped with the page (`public/pretrained/`, whose README says how each was
/// made).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Showcase {
    /// Emoji faces, in colour: what the explorer opens with.
    Faces,
    /// 1 412 emoji of every kind, in colour (loaded when first chosen).
    Emoji,
    /// Handwritten digits, grey (loaded when first chosen).
    Digits,
}

impl Showcase {
    /// Every shipped generator, in the order the explorer lists them.
    pub const ALL: [Showcase; 3] = [Showcase::Faces, Showcase::Emoji, Showcase::Digits];

    /// The one the explorer opens with (fetched with the page; the others when chosen): the
    /// crispest and most varied to a visitor's eye.
    pub const OPENING: Showcase = Showcase::Faces;

    /// Its file, relative to the page.
    pub fn url(self) -> &'static str {
        match self {
            Showcase::Faces => "pretrained/faces.gan",
            Showcase::Emoji => "pretrained/emoji.gan",
            Showcase::Digits => "pretrained/digits.gan",
        }
    }

    /// What it learned from, for its label.
    pub fn trained_on(self) -> &'static str {
        match self {
            Showcase::Faces => "emoji faces",
            Showcase::Emoji => "emoji",
            Showcase::Digits => "digits",
        }
    }

    /// Its name in the explorer's link.
    pub fn link_name(self) -> &'static str {
        match self {
            Showcase::Faces => "faces",
            Showcase::Emoji => "emoji",
            Showcase::Digits => "digits",
        }
    }

    /// The generator a link names, its older names included: `pre` (the digits, when they
    /// were the only one) and `food` (the food emoji, which the emoji generator's set holds).
    pub fn from_link_name(name: &str) -> Option<Showcase> {
        match name {
            "pre" => Some(Showcase::Digits),
            "food" => Some(Showcase::Emoji),
            _ => Showcase::ALL.into_iter().find(|s| s.link_name() == name),
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
        GeneratorSource::Pretrained(Showcase::OPENING)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_generator_is_named_by_its_link_and_old_links_still_open() {
        for showcase in Showcase::ALL {
            assert_eq!(
                Showcase::from_link_name(showcase.link_name()),
                Some(showcase)
            );
        }
        assert_eq!(Showcase::from_link_name("pre"), Some(Showcase::Digits));
        assert_eq!(Showcase::from_link_name("food"), Some(Showcase::Emoji));
        assert_eq!(Showcase::from_link_name("cats"), None);
        assert!(Showcase::ALL.contains(&Showcase::OPENING));
    }
}
