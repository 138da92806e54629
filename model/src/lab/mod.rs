//! The 2-D lab: the GAN game on points in the plane, where the theory is visible — the data's
//! distribution and G's, D's decision surface, G's manifold, the direction G's loss pushes each
//! point, and the divergences the game is about (Goodfellow et al. 2014; GAN Lab, Kahng et al.
//! 2018, showed this view on 2-D points).
//!
//! - [`config`]: [`LabConfig`], the two MLPs, their loss (the saturating minimax one too) and
//!   optimisers. Burn-free.
//! - [`data`]: the point sets (presets and the user's drawing). Burn-free.
//! - [`theory`]: JS and KL estimates, D*, the game's value at D*. Burn-free.
//! - [`failures`]: failures on cue (mode collapse, a vanishing gradient, players taking turns)
//!   with their remedies.
//! - [`turns`]: who is ahead, step by step, and how often the lead changes hands. Burn-free.
//! - [`frame`]: [`LabFrame`], one picture of the game as host numbers. Burn-free.
//! - [`networks`], [`training`]: the MLPs and the step, and the frame read from them.

pub mod config;
pub mod data;
pub mod failures;
pub mod frame;
#[cfg(feature = "burn")]
pub mod networks;
pub mod theory;
#[cfg(feature = "burn")]
pub mod training;
pub mod turns;

pub use config::{Activation, LabConfig, LabLoss, Noise};
pub use data::{Point, Shape};
pub use failures::{Failure, Remedy};
pub use frame::LabFrame;
#[cfg(feature = "burn")]
pub use training::LabGan;
pub use turns::Turns;
