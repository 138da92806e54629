//! The numbers of the theory, estimated from points: the divergences between the data's
//! distribution and G's, the optimal discriminator D*, and the game's value at D*
//! (Goodfellow et al. 2014, Proposition 1 and Theorem 1). Burn-free.
//!
//! Estimates are histograms on a `bins × bins` grid over the plane, plug-in: each cell's share of
//! the points is its probability. Their bias, stated where they are tested: a finite sample makes
//! two equal distributions look a little apart (JS > 0), and cells coarser than the shapes blur
//! them. KL needs every cell that one set fills to be filled by the other; an empty cell gets
//! half a point (add-½ smoothing), so KL stays finite but is only an order of magnitude where
//! G misses whole modes.

use super::data::{PLANE, Point};

/// D's output at the game's equilibrium, p_g = p_data: ½ everywhere.
pub const D_EQUILIBRIUM: f64 = 0.5;
/// D's BCE loss at the equilibrium: −log ½ − log ½ = 2 ln 2 ≈ 1.386.
pub const D_LOSS_EQUILIBRIUM: f64 = 2.0 * std::f64::consts::LN_2;
/// G's non-saturating loss at the equilibrium: −log ½ = ln 2 ≈ 0.693.
pub const G_LOSS_EQUILIBRIUM: f64 = std::f64::consts::LN_2;

/// Points binned on a grid over the plane, as probabilities.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// Cells along each side.
    pub bins: usize,
    /// Points in each cell, row by row (y outer), points outside the plane in the nearest cell.
    pub counts: Vec<f64>,
    /// Points binned.
    pub total: f64,
}

impl Histogram {
    /// `points` binned into `bins × bins` cells over [−PLANE, PLANE]².
    pub fn of(points: &[Point], bins: usize) -> Self {
        let mut counts = vec![0.0; bins * bins];
        for &p in points {
            counts[cell(p, bins)] += 1.0;
        }
        Self {
            bins,
            counts,
            total: points.len() as f64,
        }
    }

    /// Cell `i`'s probability, with `smoothing` points added to every cell.
    fn probability(&self, i: usize, smoothing: f64) -> f64 {
        (self.counts[i] + smoothing) / (self.total + smoothing * self.counts.len() as f64)
    }
}

/// The cell of `p` on a `bins × bins` grid over the plane (clamped to the edge cells).
pub fn cell(p: Point, bins: usize) -> usize {
    let index = |v: f32| {
        let t = (v + PLANE) / (2.0 * PLANE) * bins as f32;
        (t.floor().max(0.0) as usize).min(bins - 1)
    };
    index(p[1]) * bins + index(p[0])
}

/// The divergences between the data's points and G's, in nats.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Divergences {
    /// Jensen–Shannon divergence JS(p_data‖p_g), in [0, ln 2].
    pub js: f64,
    /// KL(p_data‖p_g): large when G misses where the data is (dropped modes).
    pub kl_data_g: f64,
    /// KL(p_g‖p_data): large when G puts points where there is no data.
    pub kl_g_data: f64,
}

impl Divergences {
    /// Histogram estimates on `bins × bins` cells (see the module's note on their bias).
    pub fn estimate(real: &[Point], fake: &[Point], bins: usize) -> Self {
        let (p, q) = (Histogram::of(real, bins), Histogram::of(fake, bins));
        let mut js = 0.0;
        let (mut kl_pq, mut kl_qp) = (0.0, 0.0);
        for i in 0..bins * bins {
            let (a, b) = (p.probability(i, 0.0), q.probability(i, 0.0));
            let m = (a + b) / 2.0;
            if a > 0.0 {
                js += 0.5 * a * (a / m).ln();
            }
            if b > 0.0 {
                js += 0.5 * b * (b / m).ln();
            }
            let (sa, sb) = (p.probability(i, 0.5), q.probability(i, 0.5));
            kl_pq += sa * (sa / sb).ln();
            kl_qp += sb * (sb / sa).ln();
        }
        Self {
            js,
            kl_data_g: kl_pq,
            kl_g_data: kl_qp,
        }
    }

    /// The game's value V(D*, G) = −log 4 + 2·JS(p_data‖p_g) (Goodfellow et al. 2014, Thm 1):
    /// −log 4 ≈ −1.386 exactly when G's distribution is the data's.
    pub fn value_at_optimum(&self) -> f64 {
        -(4f64.ln()) + 2.0 * self.js
    }
}

/// The optimal discriminator for fixed G at a point with these densities:
/// D*(x) = p_data(x) / (p_data(x) + p_g(x)) (Goodfellow et al. 2014, Proposition 1); ½ where
/// neither has mass.
pub fn optimal_discriminator(p_data: f64, p_g: f64) -> f64 {
    if p_data + p_g > 0.0 {
        p_data / (p_data + p_g)
    } else {
        D_EQUILIBRIUM
    }
}

/// Kernel width of the densities behind D* (plane units): about a ring mode's spread (0.08).
pub const DENSITY_BANDWIDTH: f32 = 0.1;

/// A density on each cell of a `bins × bins` grid from `points`: a Gaussian kernel of
/// `bandwidth` (plane units) on each point, binned first (the histogram blurred by the kernel,
/// one axis at a time), so it costs `bins² × kernel` whatever the points' number. Each cell holds
/// its share of the probability (the cells sum to 1, less what the kernel spills off the plane).
pub fn density_map(points: &[Point], bins: usize, bandwidth: f32) -> Vec<f64> {
    let histogram = Histogram::of(points, bins);
    let cell = 2.0 * PLANE as f64 / bins as f64;
    let sigma = (bandwidth as f64 / cell).max(1e-6); // in cells
    let reach = (3.0 * sigma).ceil() as isize;
    let kernel: Vec<f64> = (-reach..=reach)
        .map(|k| (-0.5 * (k as f64 / sigma).powi(2)).exp())
        .collect();
    let sum: f64 = kernel.iter().sum();
    let kernel: Vec<f64> = kernel.iter().map(|k| k / sum).collect();
    let total = histogram.total.max(1.0);
    let blur = |from: &[f64], along_x: bool| {
        let mut to = vec![0.0; bins * bins];
        for y in 0..bins {
            for x in 0..bins {
                let v = from[y * bins + x];
                if v == 0.0 {
                    continue;
                }
                for (k, w) in kernel.iter().enumerate() {
                    let offset = k as isize - reach;
                    let (tx, ty) = if along_x {
                        (x as isize + offset, y as isize)
                    } else {
                        (x as isize, y as isize + offset)
                    };
                    if (0..bins as isize).contains(&tx) && (0..bins as isize).contains(&ty) {
                        to[ty as usize * bins + tx as usize] += v * w;
                    }
                }
            }
        }
        to
    };
    let shares: Vec<f64> = histogram.counts.iter().map(|c| c / total).collect();
    blur(&blur(&shares, true), false)
}

/// D* on each cell of a `bins × bins` grid from the two point sets' kernel densities (see
/// [`density_map`]); ½ where neither set has mass nearby (both under 10⁻⁶ of a cell's share).
/// Its bias: the kernel widens both sets alike, so D* is softer than the true one where the
/// two meet, and a finite sample makes it patchy where either has few points.
pub fn optimal_discriminator_map(
    real: &[Point],
    fake: &[Point],
    bins: usize,
    bandwidth: f32,
) -> Vec<f64> {
    let (p, q) = (
        density_map(real, bins, bandwidth),
        density_map(fake, bins, bandwidth),
    );
    p.iter()
        .zip(&q)
        .map(|(&a, &b)| {
            if a + b < 1e-6 {
                D_EQUILIBRIUM
            } else {
                optimal_discriminator(a, b)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use rand_distr::{Distribution, StandardNormal};

    fn gaussian(n: usize, centre: Point, sigma: f32, seed: u64) -> Vec<Point> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..n)
            .map(|_| {
                let (a, b): (f32, f32) = (
                    StandardNormal.sample(&mut rng),
                    StandardNormal.sample(&mut rng),
                );
                [centre[0] + sigma * a, centre[1] + sigma * b]
            })
            .collect()
    }

    /// JS between two round Gaussians of σ 0.3 whose centres are `shift` apart, by numerical
    /// integration on a fine grid.
    fn js_integral(shift: f64) -> f64 {
        let (n, s2) = (800, 0.09f64);
        let cell = 2.0 * PLANE as f64 / n as f64;
        let pdf = |x: f64, y: f64, cx: f64| {
            (-((x - cx).powi(2) + y * y) / (2.0 * s2)).exp() / (2.0 * std::f64::consts::PI * s2)
        };
        let mut js = 0.0;
        for k in 0..n * n {
            let x = -PLANE as f64 + (k % n) as f64 * cell + cell / 2.0;
            let y = -PLANE as f64 + (k / n) as f64 * cell + cell / 2.0;
            let (a, b) = (pdf(x, y, 0.0), pdf(x, y, shift));
            let m = (a + b) / 2.0;
            let term = |v: f64| if v > 0.0 { 0.5 * v * (v / m).ln() } else { 0.0 };
            js += (term(a) + term(b)) * cell * cell;
        }
        js
    }

    #[test]
    fn js_of_two_gaussians_is_within_its_bias_of_the_integral() {
        // Stated bias: with 20 000 points each on 32×32 cells (cells of 0.125, σ 0.3), the
        // plug-in estimate is within 0.02 nats of the integral (the finite sample adds about
        // (cells filled) / (4 n) ≈ 0.005; the cells blur a little).
        for shift in [0.0, 0.3, 0.6, 1.2] {
            let real = gaussian(20_000, [0.0, 0.0], 0.3, 1);
            let fake = gaussian(20_000, [shift as f32, 0.0], 0.3, 2);
            let estimate = Divergences::estimate(&real, &fake, 32);
            let exact = js_integral(shift);
            assert!(
                (estimate.js - exact).abs() < 0.02,
                "shift {shift}: {} vs {exact}",
                estimate.js
            );
            assert!(estimate.js <= std::f64::consts::LN_2 + 1e-9);
        }
        let apart = Divergences::estimate(
            &gaussian(5000, [-1.5, 0.0], 0.1, 1),
            &gaussian(5000, [1.5, 0.0], 0.1, 2),
            32,
        );
        assert!(
            (apart.js - std::f64::consts::LN_2).abs() < 1e-6,
            "disjoint: ln 2"
        );
        assert!(
            (apart.value_at_optimum() - 0.0).abs() < 1e-5,
            "−log 4 + 2 ln 2 = 0"
        );
    }

    #[test]
    fn kl_is_larger_in_the_direction_that_misses_a_mode() {
        // The data has two modes; G covers only one of them.
        let mut real = gaussian(5000, [-1.0, 0.0], 0.15, 1);
        real.extend(gaussian(5000, [1.0, 0.0], 0.15, 2));
        let fake = gaussian(10_000, [-1.0, 0.0], 0.15, 3);
        let d = Divergences::estimate(&real, &fake, 32);
        assert!(d.kl_data_g > 2.0 * d.kl_g_data, "{d:?}");
    }

    #[test]
    fn d_star_is_the_share_of_the_data() {
        assert_eq!(optimal_discriminator(3.0, 1.0), 0.75);
        assert_eq!(optimal_discriminator(0.0, 0.0), 0.5);
        // Narrow kernels: each set's cell is its own; empty cells are ½.
        let real = vec![[-1.0, 0.0]; 10];
        let fake = vec![[1.0, 0.0]; 10];
        let map = optimal_discriminator_map(&real, &fake, 4, 1e-3);
        assert_eq!(map[cell([-1.0, 0.0], 4)], 1.0);
        assert_eq!(map[cell([1.0, 0.0], 4)], 0.0);
        assert_eq!(map[0], 0.5);
    }

    #[test]
    fn d_star_from_kernel_densities_is_near_the_closed_form_for_two_gaussians() {
        // p_data = N((−0.5, 0), 0.3²), p_g = N((0.5, 0), 0.3²): D*(x) = σ(−x₁ / 0.09)... with
        // kernels of 0.1 both widen to σ² = 0.1, so the estimate is σ(−x₁ / 0.1): within 0.1 of
        // that along the line between the centres with 20 000 points each (measured: 0.04).
        let real = gaussian(20_000, [-0.5, 0.0], 0.3, 1);
        let fake = gaussian(20_000, [0.5, 0.0], 0.3, 2);
        let bins = 32;
        let map = optimal_discriminator_map(&real, &fake, bins, DENSITY_BANDWIDTH);
        for x in [-0.6f32, -0.3, -0.1, 0.0, 0.1, 0.3, 0.6] {
            // The centre of the cell that holds (x, 0).
            let c = cell([x, 0.0], bins);
            let width = 2.0 * PLANE as f64 / bins as f64;
            let centre = -PLANE as f64 + ((c % bins) as f64 + 0.5) * width;
            let widened = 1.0 / (1.0 + (centre / 0.1).exp());
            assert!(
                (map[c] - widened).abs() < 0.1,
                "at x = {centre}: {} vs {widened}",
                map[c]
            );
        }
        // The densities are probabilities per cell.
        let p = density_map(&real, bins, DENSITY_BANDWIDTH);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-3);
    }
}
