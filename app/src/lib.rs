//! GAN Playground's page. The UI ([`ui`]) runs on the main thread and talks to the training
//! worker ([`worker`]) through the messages of [`protocol`]. Plain state, tested natively: the
//! worker's [`trainer`] and [`explorer`]; the page's [`charts`], [`view_state`] (the link) and
//! [`coalesce`] (slider moves).

pub mod charts;
pub mod coalesce;
pub mod explorer;
pub mod protocol;
pub mod trainer;
#[cfg(target_arch = "wasm32")]
pub mod ui;
pub mod view_state;
#[cfg(target_arch = "wasm32")]
pub mod worker;
