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
    /// Data that is a single point (a tight cluster: the Dirac-GAN of Mescheder et al. 2018),
    /// Adam's momentum at its usual 0.9 and three times the default rates: D and G take turns
    /// being ahead, each overshooting the other, for thousands of steps.
    TakingTurns,
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
    pub const ALL: [Failure; 3] = [
        Failure::ModeCollapse,
        Failure::VanishingGradient,
        Failure::TakingTurns,
    ];

    /// A short name.
    pub fn label(self) -> &'static str {
        match self {
            Failure::ModeCollapse => "Mode collapse",
            Failure::VanishingGradient => "D wins, G's gradient vanishes",
            Failure::TakingTurns => "The players take turns winning",
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
            Failure::TakingTurns => LabConfig::new()
                .with_beta1(0.9)
                .with_learning_rate_g(3e-3)
                .with_learning_rate_d(3e-3),
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
            // A single point of data, as tight as a drawing makes it.
            Failure::TakingTurns => Shape::Drawn(vec![[0.8, 0.8], [0.82, 0.8]]),
        }
    }

    /// The change that mends it.
    pub fn remedy(self) -> Remedy {
        match self {
            Failure::ModeCollapse => Remedy::Restart(self.config().with_learning_rate_d(1e-3)),
            Failure::VanishingGradient => {
                Remedy::Live(self.config().with_loss(LabLoss::NonSaturating))
            }
            Failure::TakingTurns => Remedy::Live(
                self.config()
                    .with_beta1(0.5)
                    .with_learning_rate_g(1e-3)
                    .with_learning_rate_d(1e-3),
            ),
        }
    }

    /// The remedy's button.
    pub fn remedy_label(self) -> &'static str {
        match self {
            Failure::ModeCollapse => "Start again with D's learning rate equal to G's",
            Failure::VanishingGradient => "Switch G to the non-saturating loss, now",
            Failure::TakingTurns => "Adam as DCGAN sets it — β1 0.5 — and the default rates, now",
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
            Failure::TakingTurns => {
                "The data is a single point, and both networks use Adam with its usual momentum β1 = 0.9 at three times the \
                 default rates. Train and watch the chart of who is ahead: D pulls ahead (D(x) above D(G(z))), G overshoots \
                 past the point, D catches up — the lead changes hands again and again instead of settling at ½. Even plain \
                 gradient steps circle around the equilibrium of this game rather than reaching it (Mescheder et al. 2018, \
                 the Dirac-GAN); momentum keeps each player moving the way that paid off a few steps ago, after the other has \
                 answered. DCGAN's authors saw it on images: β1 at 0.9 “resulted in training oscillation and instability \
                 while reducing it to 0.5 helped stabilize training” (Radford et al. 2016, §4). Lower β1 to 0.5 and the rates \
                 back to 10⁻³ with the same networks and the turns stop (β1 alone calms it most of the time; WGAN's \
                 recipe calms it too)."
            }
        }
    }
}
