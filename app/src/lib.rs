//! GAN Playground's page. The UI ([`ui`]) runs on the main thread and talks to the training
//! worker ([`worker`]) through the messages of [`protocol`]; plain state that both sides use is
//! in [`charts`] and [`trainer`].

pub mod charts;
pub mod protocol;
pub mod trainer;
#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod worker;
