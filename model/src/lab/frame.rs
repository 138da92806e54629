//! One picture of the 2-D game, as the page draws it: host numbers only (burn-free), read back
//! from the lab's networks in one go.

use serde::{Deserialize, Serialize};

use super::data::Point;
use super::theory::Divergences;

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
}
