//! What the page trains on and what the sample grid shows: the data sources, the grid's
//! geometry and the one seed of its fixed latent vectors (the worker draws the grid from them;
//! the page finds a tile's z from them).

use model::latent::seeded_normal;
use model::procedural::Procedural;
use serde::{Deserialize, Serialize};

/// Side at which user images are kept, the largest the model takes.
pub const STORED_SIZE: usize = 64;
/// Samples in the live grid (8×8).
pub const GRID_SAMPLES: usize = 64;
/// Seed of the grid's fixed latent vectors.
pub const GRID_SEED: u64 = 1;

/// The grid's fixed latent vectors: [`GRID_SAMPLES`] of them, `latent` numbers each, the same
/// for every run of that latent size, so the grid shows one set of faces learning.
pub fn grid_latents(latent: usize) -> Vec<Vec<f32>> {
    seeded_normal(GRID_SEED, GRID_SAMPLES, latent)
}

/// The built-in datasets, one click each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Builtin {
    /// A set drawn in code.
    Drawn(Procedural),
    /// 1797 handwritten digits (UCI, CC BY 4.0), `public/datasets/digits.png`.
    Digits,
}

impl Builtin {
    /// Every built-in set, in the order the page lists them.
    pub const ALL: [Builtin; 3] = [
        Builtin::Drawn(Procedural::Rings),
        Builtin::Drawn(Procedural::Stripes),
        Builtin::Digits,
    ];

    /// A short human name.
    pub fn label(self) -> &'static str {
        match self {
            Builtin::Drawn(p) => p.label(),
            Builtin::Digits => "Handwritten digits (UCI)",
        }
    }
}

/// What the model trains on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// A built-in set.
    Builtin(Builtin),
    /// The user's images.
    User,
}
