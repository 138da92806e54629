//! Failures on cue: settings that reproduce, from a fixed seed, a way the game goes wrong, each
//! with what it shows and the one change that mends it. Burn-free; `training.rs` tests each.

use super::config::{LabConfig, LabLoss};
use super::data::Shape;

/// A way the 2-D game fails, reproducible from its settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// D learns ten times faster than G on the ring: G piles onto a few of the eight modes.
    ModeCollapse,
    /// The game's own loss log(1 − D(G(z))) with a D that wins at once (ten times G's rate,
    /// five steps per G step), data far from where G starts: G's gradient vanishes and G stays.
    VanishingGradient,
}

/// How a failure's remedy is applied.
#[derive(Debug, Clone, PartialEq)]
pub enum Remedy {
    /// Changed on the running game: the networks stay.
    Live(LabConfig),
    /// A new game from the same seed with these settings.
    Restart(LabConfig),
}

impl Failure {
    /// Every failure, in the order the page lists them.
    pub const ALL: [Failure; 2] = [Failure::ModeCollapse, Failure::VanishingGradient];

    /// A short name.
    pub fn label(self) -> &'static str {
        match self {
            Failure::ModeCollapse => "Mode collapse",
            Failure::VanishingGradient => "D wins, G's gradient vanishes",
        }
    }

    /// The settings that reproduce it (seed 0).
    pub fn config(self) -> LabConfig {
        match self {
            Failure::ModeCollapse => LabConfig::new().with_learning_rate_d(1e-2),
            Failure::VanishingGradient => LabConfig::new()
                .with_loss(LabLoss::Saturating)
                .with_learning_rate_d(1e-2)
                .with_d_steps(5),
        }
    }

    /// The data it is reproduced on.
    pub fn shape(self) -> Shape {
        match self {
            Failure::ModeCollapse => Shape::Ring,
            // A small cloud in the upper right, far from G's first points near the centre.
            Failure::VanishingGradient => {
                Shape::Drawn(vec![[1.4, 1.4], [1.5, 1.3], [1.3, 1.5], [1.6, 1.5]])
            }
        }
    }

    /// The change that mends it.
    pub fn remedy(self) -> Remedy {
        match self {
            Failure::ModeCollapse => Remedy::Restart(self.config().with_learning_rate_d(1e-3)),
            Failure::VanishingGradient => {
                Remedy::Live(self.config().with_loss(LabLoss::NonSaturating))
            }
        }
    }

    /// The remedy's button.
    pub fn remedy_label(self) -> &'static str {
        match self {
            Failure::ModeCollapse => "Start again with D's learning rate equal to G's",
            Failure::VanishingGradient => "Switch G to the non-saturating loss, now",
        }
    }

    /// What to watch, and why it happens.
    pub fn explanation(self) -> &'static str {
        match self {
            Failure::ModeCollapse => {
                "D learns ten times faster than G. Train and watch the mesh: G sends most z to a few of the eight modes. \
                 D rejects them, G moves its points to where D is weak, D follows — the chase of mode collapse \
                 (Goodfellow 2016, NIPS tutorial §5.1.1). Lowering D's rate on the collapsed game did not bring the \
                 modes back within 2 000 steps here; starting again with balanced rates covers all eight."
            }
            Failure::VanishingGradient => {
                "G minimises the game's own loss log(1 − D(G(z))), and D, five steps per G step at ten times G's rate, \
                 soon rejects every generated point: D(G(z)) ≈ 0, where that loss is flat. Train: the arrows shrink to \
                 nothing and G stays where it started. The non-saturating loss −log D(G(z)) is steep exactly there \
                 (Goodfellow et al. 2014): switch to it and G moves to the data at once, with the same networks."
            }
        }
    }
}
