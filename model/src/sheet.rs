//! Sprite sheets: many small images of one size tiled left to right, top to bottom, in one PNG.
//! The built-in sets of real images ship this way ([`crate::digits`], [`crate::emoji`]): one
//! file compresses better and is one request instead of hundreds.

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{DynamicImage, GenericImage, RgbImage};

/// The layout of a sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpriteSheet {
    /// Side of one (square) tile, in pixels.
    pub tile: u32,
    /// Tiles per row.
    pub per_row: usize,
    /// Tiles in the sheet (the last row may be short).
    pub count: usize,
}

/// Why a sheet could not be cut.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    /// The bytes are not an image.
    #[error("not an image ({0})")]
    Decode(String),
    /// The image is too small for the tiles it should hold.
    #[error(
        "{width} × {height} pixels, too small for {count} tiles of {tile} × {tile}, {per_row} to a row"
    )]
    TooSmall {
        /// The image's width.
        width: u32,
        /// The image's height.
        height: u32,
        /// The tiles expected.
        count: usize,
        /// Their side.
        tile: u32,
        /// Tiles per row.
        per_row: usize,
    },
}

impl SpriteSheet {
    /// The sheet's side in pixels: `(width, height)`.
    pub fn dimensions(&self) -> (u32, u32) {
        let rows = self.count.div_ceil(self.per_row);
        (self.per_row as u32 * self.tile, rows as u32 * self.tile)
    }

    /// Cuts the tiles out of the PNG (or other image) `bytes`; a file that is not an image or
    /// too small for the layout is refused, never cut short.
    pub fn cut(&self, bytes: &[u8]) -> Result<Vec<DynamicImage>, SheetError> {
        let sheet =
            image::load_from_memory(bytes).map_err(|e| SheetError::Decode(e.to_string()))?;
        let (width, height) = self.dimensions();
        if sheet.width() < width || sheet.height() < height {
            return Err(SheetError::TooSmall {
                width: sheet.width(),
                height: sheet.height(),
                count: self.count,
                tile: self.tile,
                per_row: self.per_row,
            });
        }
        Ok((0..self.count)
            .map(|i| {
                let x = (i % self.per_row) as u32 * self.tile;
                let y = (i / self.per_row) as u32 * self.tile;
                sheet.crop_imm(x, y, self.tile, self.tile)
            })
            .collect())
    }

    /// The sheet of `tiles` (each `tile × tile`) as an RGB PNG, white where the last row is
    /// short. `self.count` is ignored: every tile goes in.
    pub fn png(&self, tiles: &[RgbImage]) -> Result<Vec<u8>, image::ImageError> {
        let layout = SpriteSheet {
            count: tiles.len(),
            ..*self
        };
        let (width, height) = layout.dimensions();
        let mut sheet = RgbImage::from_pixel(width, height, image::Rgb([255, 255, 255]));
        for (i, tile) in tiles.iter().enumerate() {
            let x = (i % self.per_row) as u32 * self.tile;
            let y = (i / self.per_row) as u32 * self.tile;
            sheet.copy_from(tile, x, y)?;
        }
        // The best compression: a visitor fetches the sheet, it is written once.
        let mut bytes = Vec::new();
        let encoder =
            PngEncoder::new_with_quality(&mut bytes, CompressionType::Best, FilterType::Adaptive);
        sheet.write_with_encoder(encoder)?;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_written_to_a_sheet_are_cut_out_again_in_order() {
        let layout = SpriteSheet {
            tile: 4,
            per_row: 3,
            count: 0,
        };
        let tiles: Vec<RgbImage> = (0..5u8)
            .map(|i| RgbImage::from_pixel(4, 4, image::Rgb([i * 40, 255 - i * 40, i])))
            .collect();
        let png = layout.png(&tiles).unwrap();
        let layout = SpriteSheet { count: 5, ..layout };
        assert_eq!(layout.dimensions(), (12, 8));
        let cut = layout.cut(&png).unwrap();
        assert_eq!(cut.len(), 5);
        for (a, b) in cut.iter().zip(&tiles) {
            assert_eq!(&a.to_rgb8(), b);
        }
    }

    #[test]
    fn a_file_that_is_not_a_sheet_of_the_layout_is_refused() {
        let layout = SpriteSheet {
            tile: 4,
            per_row: 3,
            count: 7,
        };
        assert!(matches!(
            layout.cut(b"not a png"),
            Err(SheetError::Decode(_))
        ));
        // Two rows where three are needed: refused, not cut short.
        let small = SpriteSheet { count: 6, ..layout }
            .png(&vec![RgbImage::new(4, 4); 6])
            .unwrap();
        let error = layout.cut(&small).unwrap_err();
        assert!(
            error.to_string().contains("too small for 7 tiles"),
            "{error}"
        );
    }
}
