//! One picture of the 2-D game, as the page draws it: host numbers only (burn-free), read back
//! from the lab's networks in one go.

use serde::{Deserialize, Serialize};

use super::data::Point;
use super::theory::{Divergences, cell};

/// What the plane shows at one step, every number from the real networks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabFrame {
    /// G updates so far.
    pub step: u64,
    /// A fixed sample of the data's points.
    pub real: Vec<Point>,
    /// G's points for a fixed sample of z.
    pub fake: Vec<Point>,
    /// Cells along each side of [`heat`](Self::heat).
    pub heat_side: usize,
    /// D's output at each cell centre of the plane, row by row from the bottom (y = −PLANE):
    /// the probability "real" for the BCE losses, the score for hinge and WGAN.
    pub heat: Vec<f32>,
    /// Points along each side of [`mesh`](Self::mesh).
    pub mesh_side: usize,
    /// G's manifold: the image of a regular grid of z (its first two numbers varied, the others
    /// 0), row by row: drawn as a warped mesh.
    pub mesh: Vec<Point>,
    /// −∂L_G/∂x at each of [`fake`](Self::fake)'s points: where G's loss wants it to move.
    pub arrows: Vec<Point>,
    /// The divergences between [`real`](Self::real) and [`fake`](Self::fake).
    pub divergences: Divergences,
    /// Cells along each side of [`optimal`](Self::optimal).
    pub optimal_side: usize,
    /// The optimal discriminator D* = p_data / (p_data + p_g) of the BCE game on each cell, row
    /// by row from the bottom, from kernel densities of the shown points (see
    /// [`optimal_discriminator_map`](super::theory::optimal_discriminator_map)).
    pub optimal: Vec<f32>,
}

impl LabFrame {
    /// How far D is from its optimum where the game is played: the mean |D(x) − D*(x)| over the
    /// shown real and generated points (0: D is D*; ½ where D is sure and D* is ½). Only for the
    /// BCE losses, whose D is a probability.
    pub fn gap_to_optimum(&self) -> f32 {
        let points = self.real.iter().chain(&self.fake);
        let (mut sum, mut n) = (0.0, 0);
        for &p in points {
            let d = self.heat[cell(p, self.heat_side)];
            let best = self.optimal[cell(p, self.optimal_side)];
            sum += (d - best).abs();
            n += 1;
        }
        if n == 0 { f32::NAN } else { sum / n as f32 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gap_to_the_optimum_is_read_at_the_points() {
        let frame = LabFrame {
            step: 0,
            real: vec![[-1.0, -1.0]],
            fake: vec![[1.0, 1.0]],
            heat_side: 2,
            // D: 0.9 at the bottom left, 0.3 at the top right.
            heat: vec![0.9, 0.5, 0.5, 0.3],
            mesh_side: 0,
            mesh: Vec::new(),
            arrows: vec![[0.0, 0.0]],
            divergences: Divergences {
                js: 0.0,
                kl_data_g: 0.0,
                kl_g_data: 0.0,
            },
            optimal_side: 1,
            optimal: vec![0.5],
        };
        assert!((frame.gap_to_optimum() - 0.3).abs() < 1e-6);
    }
}
