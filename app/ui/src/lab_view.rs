//! The 2-D lab's picture, as plain numbers: where a point of the plane falls on the canvas, the
//! colour of D's surface, and what the page reads off a frame (D's mean output at the real and
//! the generated points, where G's points are and where their arrows point). Tested natively;
//! `components/lab/` draws with it.

use model::lab::LabFrame;
use model::lab::data::{PLANE, Point};

/// Colour of the data's points and of D's "real" side (green).
pub const REAL_RGB: [u8; 3] = [41, 160, 18];
/// Colour of G's points and of D's "generated" side (purple).
pub const FAKE_RGB: [u8; 3] = [142, 68, 173];

/// A number to `places` decimals with a true minus sign, as in the formulas beside it.
pub fn signed(value: f64, places: usize) -> String {
    format!("{value:.places$}").replace('-', "−")
}

/// The canvas pixel `(x, y)` of a plane point, on a square canvas of `side` pixels (y up).
pub fn to_canvas(p: Point, side: f64) -> (f64, f64) {
    let scale = side / (2.0 * PLANE as f64);
    (
        (p[0] as f64 + PLANE as f64) * scale,
        (PLANE as f64 - p[1] as f64) * scale,
    )
}

/// The plane point under canvas pixel `(x, y)` (the inverse of [`to_canvas`]).
pub fn to_plane(x: f64, y: f64, side: f64) -> Point {
    let scale = 2.0 * PLANE as f64 / side;
    [
        (x * scale - PLANE as f64) as f32,
        (PLANE as f64 - y * scale) as f32,
    ]
}

/// D's output as a number in [0, 1] for colouring: a probability as it is; a score (hinge,
/// WGAN) relative to the largest magnitude on the plane, 0.5 at 0.
pub fn shade(value: f32, probability: bool, largest: f32) -> f32 {
    if probability {
        value.clamp(0.0, 1.0)
    } else {
        (0.5 + 0.5 * value / largest.max(1e-6)).clamp(0.0, 1.0)
    }
}

/// D's surface as RGBA8 (`side × side`, top row first): purple where D says "generated",
/// white at ½, green where it says "real".
pub fn heat_rgba(heat: &[f32], side: usize, probability: bool) -> Vec<u8> {
    let largest = heat.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let mut rgba = Vec::with_capacity(side * side * 4);
    // The frame's rows go from the bottom of the plane up; an image's from the top down.
    for row in (0..side).rev() {
        for col in 0..side {
            let t = shade(heat[row * side + col], probability, largest);
            let (towards, amount) = if t >= 0.5 {
                (REAL_RGB, (t - 0.5) * 2.0)
            } else {
                (FAKE_RGB, (0.5 - t) * 2.0)
            };
            // Pale at most (amount 0.6), so the points on top stay readable.
            let mix = |c: u8| (255.0 + (c as f32 - 255.0) * amount * 0.6).round() as u8;
            rgba.extend([mix(towards[0]), mix(towards[1]), mix(towards[2]), 255]);
        }
    }
    rgba
}

/// D's output at `p`, read from the frame's surface (its cell).
pub fn heat_at(frame: &LabFrame, p: Point) -> f32 {
    let cell = model::lab::theory::cell(p, frame.heat_side);
    frame.heat[cell]
}

/// Mean of D's output (from the surface) over `points`.
pub fn mean_heat(frame: &LabFrame, points: &[Point]) -> f32 {
    if points.is_empty() {
        return f32::NAN;
    }
    points.iter().map(|p| heat_at(frame, *p)).sum::<f32>() / points.len() as f32
}

/// The factor that draws the longest arrow `longest` plane units long (0 without arrows).
pub fn arrow_scale(arrows: &[Point], longest: f32) -> f32 {
    let max = arrows
        .iter()
        .map(|a| (a[0] * a[0] + a[1] * a[1]).sqrt())
        .fold(0.0f32, f32::max);
    if max > 0.0 && max.is_finite() {
        longest / max
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_carry_a_true_minus_sign() {
        assert_eq!(signed(-1.3862, 3), "−1.386");
        assert_eq!(signed(0.5, 2), "0.50");
    }

    #[test]
    fn canvas_and_plane_map_to_each_other() {
        assert_eq!(to_canvas([-PLANE, PLANE], 400.0), (0.0, 0.0));
        assert_eq!(to_canvas([0.0, 0.0], 400.0), (200.0, 200.0));
        assert_eq!(to_canvas([PLANE, -PLANE], 400.0), (400.0, 400.0));
        let p = to_plane(100.0, 300.0, 400.0);
        assert_eq!(p, [-1.0, -1.0]);
        assert_eq!(to_canvas(p, 400.0), (100.0, 300.0));
    }

    #[test]
    fn the_surface_is_green_where_d_says_real_and_the_top_row_is_the_planes_top() {
        // 2×2 cells, bottom row first: D says 0 at the bottom left, 1 at the top right.
        let heat = [0.0, 0.5, 0.5, 1.0];
        let rgba = heat_rgba(&heat, 2, true);
        let pixel = |i: usize| [rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]];
        // Image order: top left, top right, bottom left, bottom right.
        assert_eq!(pixel(0), [255, 255, 255], "½: white");
        assert!(
            pixel(1)[1] > pixel(1)[0] && pixel(1)[1] > pixel(1)[2],
            "1: green"
        );
        assert!(pixel(2)[2] > pixel(2)[1], "0: purple");
        // Scores: relative to the largest, 0 is white.
        assert_eq!(shade(0.0, false, 3.0), 0.5);
        assert_eq!(shade(3.0, false, 3.0), 1.0);
        assert_eq!(shade(-6.0, false, 3.0), 0.0);
    }

    #[test]
    fn a_frame_is_read_at_its_points() {
        let frame = LabFrame {
            step: 0,
            real: vec![[-1.0, -1.0]],
            fake: vec![[1.0, 1.0], [1.5, 1.5]],
            heat_side: 2,
            heat: vec![0.9, 0.5, 0.5, 0.1],
            mesh_side: 0,
            mesh: Vec::new(),
            arrows: vec![[0.0, 2.0], [0.0, -1.0]],
            divergences: model::lab::theory::Divergences {
                js: 0.0,
                kl_data_g: 0.0,
                kl_g_data: 0.0,
            },
            optimal_side: 1,
            optimal: vec![0.5],
        };
        assert_eq!(mean_heat(&frame, &frame.real), 0.9);
        assert_eq!(mean_heat(&frame, &frame.fake), 0.1);

        assert_eq!(arrow_scale(&frame.arrows, 0.5), 0.25);
        assert_eq!(arrow_scale(&[], 0.5), 0.0);
    }
}
