//! GAN Playground's page, on the main thread: the Leptos UI ([`components`], browser only) and
//! its state, tested natively: the training run's signals and how each worker message changes
//! them ([`page`]), the explorer's link ([`view_state`]), slider moves
//! ([`coalesce`]), the architecture view's numbers ([`architecture`]), the guided [`lesson`], the charts' geometry ([`chart_geometry`]),
//! the [`timelapse`] of the sample grid, the 2-D lab's picture ([`lab_view`]), the saved runs offered and pruned ([`saved_runs`]), the requests' [`tickets`], which worker
//! build starts and the device choice in the address ([`worker_build`]). It links no burn:
//! training runs in the worker (`app/worker`), reached through `protocol`'s messages.

pub mod architecture;
pub mod augmentation_view;
pub mod chart_geometry;
pub mod coalesce;
#[cfg(target_arch = "wasm32")]
pub mod components;
pub mod lab_view;
pub mod lesson;
pub mod page;
pub mod saved_runs;
pub mod tickets;
pub mod timelapse;
pub mod view_state;
pub mod worker_build;
