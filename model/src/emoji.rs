//! The built-in sets of emoji (Twemoji, CC BY 4.0): sprite sheets of 32×32 drawings on white in
//! `public/datasets/` (made by `scripts/emoji-sets.sh` and `gan-train --export-sheet`; source
//! and licence beside them). They are not compiled in: the page fetches a sheet when its set is
//! chosen (the larger is 1.9 MB), `gan-train` reads it from the folder.

use serde::{Deserialize, Serialize};

/// A set of emoji shipped as a sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EmojiSet {
    /// The 118 faces (Unicode's "Smileys & Emotion", subcategories `face-*`).
    Faces,
    /// 1 412 drawings of every category but flags, symbols and components.
    All,
}

impl EmojiSet {
    /// Every set, in the order a UI lists them.
    pub const ALL: [EmojiSet; 2] = [EmojiSet::Faces, EmojiSet::All];

    /// A short human name.
    pub fn label(self) -> &'static str {
        match self {
            EmojiSet::Faces => "Emoji faces (Twemoji)",
            EmojiSet::All => "1 412 emoji (Twemoji)",
        }
    }

    /// The sheet's file name in `public/datasets/`.
    pub fn file_name(self) -> &'static str {
        match self {
            EmojiSet::Faces => "faces.png",
            EmojiSet::All => "emoji.png",
        }
    }

    /// Drawings in the set.
    pub fn count(self) -> usize {
        match self {
            EmojiSet::Faces => 118,
            EmojiSet::All => 1412,
        }
    }

    /// The sheet's layout: 32×32 tiles, 32 to a row.
    #[cfg(feature = "burn")]
    pub fn sheet(self) -> crate::sheet::SpriteSheet {
        crate::sheet::SpriteSheet {
            tile: 32,
            per_row: 32,
            count: self.count(),
        }
    }

    /// The set's drawings, cut from its sheet's bytes.
    #[cfg(feature = "burn")]
    pub fn images(self, png: &[u8]) -> Result<Vec<image::DynamicImage>, crate::sheet::SheetError> {
        self.sheet().cut(png)
    }

    /// The sheet in the repository's `public/datasets/`, for native tools and tests.
    #[cfg(all(feature = "burn", not(target_family = "wasm")))]
    pub fn read_shipped(self) -> std::io::Result<Vec<u8>> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../public/datasets")
            .join(self.file_name());
        std::fs::read(&path)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))
    }
}

/// The first `limit` of a set's drawings as `count × channels × size × size` pixels in [-1, 1],
/// prepared as the page prepares any image (like [`crate::digits::pixels`]).
#[cfg(feature = "burn")]
pub fn pixels(
    images: &[image::DynamicImage],
    limit: usize,
    channels: usize,
    size: usize,
) -> Vec<f32> {
    images
        .iter()
        .take(limit)
        .flat_map(|i| crate::images::prepare(i, size, channels))
        .collect()
}

#[cfg(all(test, feature = "burn"))]
mod tests {
    use super::*;

    #[test]
    fn each_shipped_sheet_holds_its_set_on_white() {
        for set in EmojiSet::ALL {
            let png = set.read_shipped().unwrap();
            let images = set.images(&png).unwrap();
            assert_eq!(images.len(), set.count(), "{set:?}");
            let pixels: Vec<f32> = images
                .iter()
                .flat_map(|i| crate::images::prepare(i, 32, 3))
                .collect();
            assert_eq!(pixels.len(), set.count() * 3 * 32 * 32);
            // Each one drawn (a blank or misplaced tile has no ink), the set on white.
            for (i, image) in pixels.chunks(3 * 32 * 32).enumerate() {
                let drawn = image.iter().filter(|v| **v < 0.8).count();
                assert!(drawn > 30, "{set:?} {i}: {drawn} drawn values");
            }
            let white = pixels.iter().filter(|v| **v > 0.95).count() as f32 / pixels.len() as f32;
            assert!(white > 0.3, "{set:?}: {white} of the values white");
        }
    }
}
