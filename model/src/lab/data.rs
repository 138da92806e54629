//! The 2-D lab's data: point sets in the plane [−PLANE, PLANE]², drawn from a seed. Burn-free.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

/// Half the side of the plane the lab shows: points live in [−PLANE, PLANE]².
pub const PLANE: f32 = 2.0;

/// Spread of each drawn point: a drawing is a mixture of small Gaussians at its points.
pub const DRAWN_SPREAD: f32 = 0.06;

/// A point in the plane.
pub type Point = [f32; 2];

/// What the real points are drawn from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Shape {
    /// Eight Gaussians on a circle of radius 1.4 (σ 0.08): the classic test of mode collapse.
    Ring,
    /// A 5×5 grid of Gaussians 0.8 apart (σ 0.06).
    Grid,
    /// Two interleaved half-circles (σ 0.06 around them).
    TwoMoons,
    /// A spiral of two turns (σ 0.04 around it).
    Spiral,
    /// One Gaussian at (0.5, 0.5), σ 0.35.
    Gaussian,
    /// A segment from (−1.5, −1) to (1.5, 1), σ 0.03 across it.
    Line,
    /// The user's drawing: a mixture of Gaussians of σ [`DRAWN_SPREAD`] at the drawn points.
    Drawn(Vec<Point>),
}

/// A drawing that cannot be a distribution, with the reason.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DrawingError {
    /// Fewer than two points.
    #[error("draw at least two points: a distribution needs more than {0}")]
    TooFew(usize),
    /// A point outside the plane, or not a number.
    #[error("a point lies outside the plane [−{PLANE}, {PLANE}]²")]
    OutOfPlane,
}

impl Shape {
    /// The presets, in the order a UI lists them (the drawing is not one).
    pub const PRESETS: [Shape; 6] = [
        Shape::Ring,
        Shape::Grid,
        Shape::TwoMoons,
        Shape::Spiral,
        Shape::Gaussian,
        Shape::Line,
    ];

    /// A drawing, if its points can make a distribution.
    pub fn drawn(points: Vec<Point>) -> Result<Shape, DrawingError> {
        if points.len() < 2 {
            return Err(DrawingError::TooFew(points.len()));
        }
        let inside = |v: f32| v.is_finite() && v.abs() <= PLANE;
        if !points.iter().all(|p| inside(p[0]) && inside(p[1])) {
            return Err(DrawingError::OutOfPlane);
        }
        Ok(Shape::Drawn(points))
    }

    /// A short human name.
    pub fn label(&self) -> &'static str {
        match self {
            Shape::Ring => "Ring of 8 Gaussians",
            Shape::Grid => "5×5 grid of Gaussians",
            Shape::TwoMoons => "Two moons",
            Shape::Spiral => "Spiral",
            Shape::Gaussian => "One Gaussian",
            Shape::Line => "A line",
            Shape::Drawn(_) => "Your drawing",
        }
    }

    /// The centres and common σ of a shape that is a mixture of equal round Gaussians.
    pub fn mixture(&self) -> Option<(Vec<Point>, f32)> {
        match self {
            Shape::Ring => Some((
                (0..8)
                    .map(|k| {
                        let a = k as f32 * std::f32::consts::TAU / 8.0;
                        [1.4 * a.cos(), 1.4 * a.sin()]
                    })
                    .collect(),
                0.08,
            )),
            Shape::Grid => Some((
                (0..25)
                    .map(|k| [(k % 5) as f32 * 0.8 - 1.6, (k / 5) as f32 * 0.8 - 1.6])
                    .collect(),
                0.06,
            )),
            Shape::Gaussian => Some((vec![[0.5, 0.5]], 0.35)),
            Shape::Drawn(points) => Some((points.clone(), DRAWN_SPREAD)),
            Shape::TwoMoons | Shape::Spiral | Shape::Line => None,
        }
    }

    /// The modes a generated set can cover (the mixtures' centres), for counting collapse.
    pub fn modes(&self) -> Option<Vec<Point>> {
        match self {
            Shape::Ring | Shape::Grid => self.mixture().map(|(centres, _)| centres),
            _ => None,
        }
    }

    /// `n` points drawn with `rng`.
    pub fn sample(&self, n: usize, rng: &mut impl Rng) -> Vec<Point> {
        (0..n)
            .map(|_| {
                let e1: f32 = StandardNormal.sample(&mut *rng);
                let e2: f32 = StandardNormal.sample(&mut *rng);
                self.point(e1, e2, &mut *rng)
            })
            .collect()
    }

    /// One point from two standard normal draws `e1`, `e2` and, where needed, `rng`.
    fn point(&self, e1: f32, e2: f32, rng: &mut impl Rng) -> Point {
        if let Some((centres, sigma)) = self.mixture() {
            let c = centres[rng.random_range(0..centres.len())];
            return [c[0] + sigma * e1, c[1] + sigma * e2];
        }
        let t: f32 = rng.random();
        match self {
            Shape::TwoMoons => {
                let a = t * 2.0 * std::f32::consts::PI;
                // First moon for a in [0, π), the second, shifted, for the rest.
                let (x, y) = if a < std::f32::consts::PI {
                    (a.cos(), a.sin())
                } else {
                    (
                        1.0 - (a - std::f32::consts::PI).cos(),
                        0.5 - (a - std::f32::consts::PI).sin(),
                    )
                };
                [(x - 0.5) * 1.2 + 0.06 * e1, (y - 0.25) * 1.2 + 0.06 * e2]
            }
            Shape::Spiral => {
                let turn = 2.0 * std::f32::consts::TAU * t.sqrt();
                let r = 0.2 + 1.5 * turn / (2.0 * std::f32::consts::TAU);
                [r * turn.cos() + 0.04 * e1, r * turn.sin() + 0.04 * e2]
            }
            Shape::Line => {
                let s = t * 2.0 - 1.0;
                // Along (3, 2), and across it by σ 0.03.
                let (ux, uy) = (3.0 / 13f32.sqrt(), 2.0 / 13f32.sqrt());
                [1.5 * s - uy * 0.03 * e1, s + ux * 0.03 * e1]
            }
            _ => unreachable!("mixtures return above"),
        }
    }

    /// The density at `p`, where the shape is a mixture of Gaussians (else `None`).
    pub fn density(&self, p: Point) -> Option<f64> {
        let (centres, sigma) = self.mixture()?;
        let s2 = (sigma as f64).powi(2);
        let norm = 1.0 / (2.0 * std::f64::consts::PI * s2 * centres.len() as f64);
        Some(
            centres
                .iter()
                .map(|c| {
                    let d2 = (p[0] - c[0]) as f64 * (p[0] - c[0]) as f64
                        + (p[1] - c[1]) as f64 * (p[1] - c[1]) as f64;
                    norm * (-d2 / (2.0 * s2)).exp()
                })
                .sum(),
        )
    }
}

/// The mean of `points` (the origin for none).
pub fn mean(points: &[Point]) -> Point {
    let n = points.len().max(1) as f32;
    let sum = points
        .iter()
        .fold([0.0, 0.0], |s, p| [s[0] + p[0], s[1] + p[1]]);
    [sum[0] / n, sum[1] / n]
}

/// How many of `modes` have at least `min_share` of `points` within `radius` of them (each
/// point counted for its nearest mode): a collapsed generator covers few.
pub fn modes_covered(points: &[Point], modes: &[Point], radius: f32, min_share: f32) -> usize {
    let mut counts = vec![0usize; modes.len()];
    for p in points {
        let nearest = modes
            .iter()
            .enumerate()
            .map(|(i, m)| (i, (p[0] - m[0]).powi(2) + (p[1] - m[1]).powi(2)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((i, d2)) = nearest
            && d2 <= radius * radius
        {
            counts[i] += 1;
        }
    }
    let needed = (min_share * points.len() as f32).ceil() as usize;
    counts.iter().filter(|&&c| c >= needed.max(1)).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn every_preset_stays_in_the_plane_and_is_seeded() {
        for shape in Shape::PRESETS {
            let mut rng = ChaCha8Rng::seed_from_u64(1);
            let points = shape.sample(2000, &mut rng);
            let inside = points
                .iter()
                .filter(|p| p[0].abs() <= PLANE && p[1].abs() <= PLANE);
            assert!(inside.count() >= 1995, "{shape:?}");
            let again = shape.sample(2000, &mut ChaCha8Rng::seed_from_u64(1));
            assert_eq!(points, again, "{shape:?}");
        }
    }

    #[test]
    fn the_ring_has_eight_modes_and_its_samples_cover_them() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let points = Shape::Ring.sample(800, &mut rng);
        let modes = Shape::Ring.modes().unwrap();
        assert_eq!(modes_covered(&points, &modes, 0.3, 0.05), 8);
        let one_mode = vec![modes[0]; 100];
        assert_eq!(modes_covered(&one_mode, &modes, 0.3, 0.05), 1);
    }

    #[test]
    fn a_mixture_density_integrates_to_one() {
        for shape in [Shape::Ring, Shape::Grid, Shape::Gaussian] {
            let n = 400;
            let cell = 2.0 * PLANE as f64 / n as f64;
            let total: f64 = (0..n * n)
                .map(|k| {
                    let x = -PLANE as f64 + (k % n) as f64 * cell + cell / 2.0;
                    let y = -PLANE as f64 + (k / n) as f64 * cell + cell / 2.0;
                    shape.density([x as f32, y as f32]).unwrap() * cell * cell
                })
                .sum();
            assert!((total - 1.0).abs() < 0.01, "{shape:?}: {total}");
        }
    }

    #[test]
    fn a_drawing_needs_two_points_in_the_plane() {
        assert_eq!(Shape::drawn(vec![]), Err(DrawingError::TooFew(0)));
        assert_eq!(Shape::drawn(vec![[0.0, 0.0]]), Err(DrawingError::TooFew(1)));
        assert_eq!(
            Shape::drawn(vec![[0.0, 0.0], [3.0, 0.0]]),
            Err(DrawingError::OutOfPlane)
        );
        assert_eq!(
            Shape::drawn(vec![[0.0, 0.0], [f32::NAN, 0.0]]),
            Err(DrawingError::OutOfPlane)
        );
        let drawn = Shape::drawn(vec![[0.0, 0.0], [1.0, 1.0]]).unwrap();
        let points = drawn.sample(100, &mut ChaCha8Rng::seed_from_u64(0));
        assert!(
            points
                .iter()
                .all(|p| p[0].min(p[1]) > -0.5 && p[0].max(p[1]) < 1.5)
        );
    }
}
