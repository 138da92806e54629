//! The built-in set of real images: 1797 handwritten digits (UCI, CC BY 4.0), shipped as one
//! sprite sheet in `public/datasets/digits.png` (source and licence beside it).

use image::DynamicImage;

use crate::images::prepare;
use crate::sheet::SpriteSheet;

/// The sprite sheet: 8×8 grey tiles, 45 to a row.
const SHEET_PNG: &[u8] = include_bytes!("../../public/datasets/digits.png");
/// Digits in the sheet.
pub const COUNT: usize = 1797;
/// The sheet's layout.
const SHEET: SpriteSheet = SpriteSheet {
    tile: 8,
    per_row: 45,
    count: COUNT,
};

/// Every digit as an 8×8 image.
pub fn images() -> Vec<DynamicImage> {
    SHEET
        .cut(SHEET_PNG)
        .expect("the shipped digits sheet decodes")
}

/// The first `limit` digits as `count × channels × size × size` pixels in [-1, 1].
pub fn pixels(limit: usize, channels: usize, size: usize) -> Vec<f32> {
    images()
        .iter()
        .take(limit)
        .flat_map(|d| prepare(d, size, channels))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_digit_is_cut_out_with_ink_and_background() {
        let digits = images();
        assert_eq!(digits.len(), COUNT);
        let p = pixels(10, 1, 32);
        assert_eq!(p.len(), 10 * 32 * 32);
        for (i, d) in p.chunks(32 * 32).enumerate() {
            let (lo, hi) = d
                .iter()
                .fold((f32::MAX, f32::MIN), |(l, h), &v| (l.min(v), h.max(v)));
            // Each tile has dark background and white ink: not a blank or shifted cut.
            assert!(lo < -0.9 && hi > 0.5, "digit {i}: range {lo}..{hi}");
        }
    }
}
