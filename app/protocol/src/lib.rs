//! What GAN Playground's page (`app/ui`) and its training worker (`app/worker`) share, and
//! nothing heavy: the page links this crate, so it must not bring burn (its `model` is the
//! burn-free part).
//!
//! - [`messages`]: the requests the page sends and the responses the worker sends back.
//! - [`data`]: the data sources, the grid's geometry and its fixed latent vectors.
//! - [`device`]: which device trains (the worker measures, the page shows why).
//! - [`verdict`]: D's verdict on a row of images and the loss formulas the page explains.
//! - [`history`]: each step's numbers and the run's history (the page charts it, a saved run
//!   keeps it).
//! - [`saved_runs`]: the runs autosaved in the browser; [`store`]: their IndexedDB.
//! - [`lab`]: the 2-D lab's own messages (its own worker, its own section of the page).

pub mod data;
pub mod device;
pub mod history;
pub mod lab;
pub mod messages;
pub mod saved_runs;
#[cfg(target_arch = "wasm32")]
pub mod store;
pub mod verdict;
