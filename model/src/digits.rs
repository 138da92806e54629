//! The built-in set of real images: 1797 handwritten digits (UCI, CC BY 4.0), shipped as one
//! sprite sheet in `public/datasets/digits.png` (source and licence beside it).

use image::DynamicImage;

use crate::images::prepare;

/// The sprite sheet: 8×8 grey tiles, [`PER_ROW`] to a row.
const SHEET_PNG: &[u8] = include_bytes!("../../public/datasets/digits.png");
/// Tiles per row of the sheet.
const PER_ROW: usize = 45;
/// Side of one tile.
const TILE: u32 = 8;
/// Digits in the sheet.
pub const COUNT: usize = 1797;

/// Every digit as an 8×8 image.
pub fn images() -> Vec<DynamicImage> {
    let sheet = image::load_from_memory(SHEET_PNG).expect("the shipped digits sheet decodes");
    (0..COUNT)
        .map(|i| {
            let (x, y) = ((i % PER_ROW) as u32 * TILE, (i / PER_ROW) as u32 * TILE);
            sheet.crop_imm(x, y, TILE, TILE)
        })
        .collect()
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
