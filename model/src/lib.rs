//! The DCGAN of GAN Playground, in burn, for every backend: the same code trains natively
//! (CPU or GPU) and in the browser (WebGPU or the CPU fallback).
//!
//! - [`config`]: [`GanConfig`], the one description of a run.
//! - [`generator`], [`discriminator`]: the networks of Radford et al. (2016).
//! - [`loss`], [`training`]: adversarial losses and the training step; [`augment`]: DiffAugment.
//! - [`data`], [`procedural`], [`digits`], [`images`]: training images, built-in sets, user files.
//! - [`latent`], [`principal`]: interpolation and principal directions of z.
//! - [`checkpoint`], [`snapshot`]: saving and loading the whole training state.
//! - [`swd`]: the sliced Wasserstein distance used as the quality score.
//! - [`backend`]: which burn backend trains, by name (CPU, or a GPU where built).
//! - [`health`]: watching a run for the discriminator winning or the samples falling apart.
//! - [`lab`]: the 2-D lab, the game on points in the plane (its settings, data and theory are
//!   burn-free).
//!
//! Without the default `burn` feature only the burn-free part is built (what the page's UI
//! links): [`config`], [`latent`], [`health`], [`limits`], [`procedural`] and [`emoji`] sets' names, the loss terms of [`loss`], the layer
//! summaries of [`anatomy`], the directions of [`principal`] and [`StepValues`].

#[cfg(feature = "burn")]
pub mod ada;
pub mod anatomy;
#[cfg(feature = "burn")]
pub mod augment;
#[cfg(feature = "burn")]
pub mod backend;
#[cfg(feature = "burn")]
pub mod checkpoint;
pub mod config;
#[cfg(feature = "burn")]
mod container;
#[cfg(feature = "burn")]
pub mod data;
#[cfg(feature = "burn")]
pub mod digits;
#[cfg(feature = "burn")]
pub mod discriminator;
pub mod emoji;
#[cfg(feature = "burn")]
pub mod generator;
#[cfg(feature = "burn")]
pub mod guard;
pub mod health;
#[cfg(feature = "burn")]
pub mod images;
#[cfg(feature = "burn")]
mod init;
pub mod lab;
pub mod latent;
pub mod limits;
pub mod loss;
#[cfg(feature = "burn")]
pub mod nearest;
#[cfg(feature = "burn")]
pub mod optimizer;
pub mod principal;
pub mod procedural;
#[cfg(feature = "burn")]
pub mod project;
#[cfg(feature = "burn")]
pub mod sheet;
#[cfg(feature = "burn")]
pub mod snapshot;
mod step_values;
#[cfg(feature = "burn")]
pub mod swd;
#[cfg(feature = "burn")]
pub mod training;

#[cfg(feature = "burn")]
pub use burn;
pub use config::{GanConfig, LossKind, OptimizerKind};
#[cfg(feature = "burn")]
pub use data::{DataPosition, Dataset};
#[cfg(feature = "burn")]
pub use discriminator::Discriminator;
#[cfg(feature = "burn")]
pub use generator::Generator;
pub use step_values::StepValues;
#[cfg(feature = "burn")]
pub use training::{Gan, StepStats};
