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
//! - [`health`]: watching a run for the discriminator winning or the samples falling apart.

pub mod anatomy;
pub mod augment;
pub mod checkpoint;
pub mod config;
pub mod data;
pub mod digits;
pub mod discriminator;
pub mod generator;
pub mod health;
pub mod images;
mod init;
pub mod latent;
pub mod loss;
pub mod nearest;
pub mod optimizer;
pub mod principal;
pub mod procedural;
pub mod project;
mod sections;
pub mod snapshot;
pub mod swd;
pub mod training;

pub use burn;
pub use config::{GanConfig, LossKind};
pub use data::{DataPosition, Dataset};
pub use discriminator::Discriminator;
pub use generator::Generator;
pub use training::{Gan, StepStats, StepValues};
