//! What the page trains on and what the sample grid shows: the data sources, the grid's
//! geometry and the one seed of its fixed latent vectors (the worker draws the grid from them;
//! the page finds a tile's z from them).

use model::emoji::EmojiSet;
use model::procedural::Procedural;
use serde::{Deserialize, Serialize};

/// The grid's geometry and fixed z live in `model`, which the native trainer shares.
pub use model::latent::{GRID_SAMPLES, grid_latents};

/// Side at which user images are kept, the largest the model takes.
pub const STORED_SIZE: usize = 64;

/// The built-in datasets, one click each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Builtin {
    /// A set drawn in code.
    Drawn(Procedural),
    /// 1797 handwritten digits (UCI, CC BY 4.0), `public/datasets/digits.png`.
    Digits,
    /// Emoji (Twemoji, CC BY 4.0): a sheet in `public/datasets/` fetched when chosen.
    Emoji(EmojiSet),
}

impl Builtin {
    /// Every built-in set, in the order the page lists them.
    pub const ALL: [Builtin; 5] = [
        Builtin::Drawn(Procedural::Rings),
        Builtin::Drawn(Procedural::Stripes),
        Builtin::Digits,
        Builtin::Emoji(EmojiSet::Faces),
        Builtin::Emoji(EmojiSet::All),
    ];

    /// A short human name.
    pub fn label(self) -> &'static str {
        match self {
            Builtin::Drawn(p) => p.label(),
            Builtin::Digits => "Handwritten digits (UCI)",
            Builtin::Emoji(set) => set.label(),
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
