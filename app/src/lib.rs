//! GAN Playground's page. The UI ([`ui`]) runs on the main thread and talks to the training
//! worker ([`worker`]) through the messages of [`protocol`]. Plain state, tested natively: the
//! worker's [`trainer`], [`explorer`] and [`adapter`] (which device trains); the page's [`charts`], [`view_state`] (the link) and
//! [`coalesce`] (slider moves); D's [`verdict`] and the loss formulas, the
//! [`architecture`] view's numbers; the guided [`lesson`]; the
//! [`timelapse`] of the sample grid; the [`saved_runs`] autosaved in the browser (stored by
//! [`browser_store`], from either thread).

pub mod adapter;
pub mod architecture;
#[cfg(target_arch = "wasm32")]
pub mod browser_store;
pub mod charts;
pub mod coalesce;
pub mod explorer;
pub mod lesson;
pub mod protocol;
pub mod saved_runs;
pub mod timelapse;
pub mod trainer;
#[cfg(target_arch = "wasm32")]
pub mod ui;
pub mod verdict;
pub mod view_state;
#[cfg(target_arch = "wasm32")]
pub mod worker;

/// Runs the program's static constructors (cubecl registers its IR types through `inventory`)
/// the first time it is called; each entry point (and each in-browser test) calls it first.
///
/// Why by hand: wasm-ld wraps *every* export of a program that never calls `__wasm_call_ctors`
/// itself in a call to all constructors, so each call from JavaScript into the module (every
/// event handler, resolved promise and worker message) re-ran them — ≈75 ms per slider move on
/// the page. An explicit call makes wasm-ld leave the exports alone (the fix wit-bindgen and
/// wasi-libc use).
#[cfg(target_arch = "wasm32")]
pub fn run_static_constructors() {
    unsafe extern "C" {
        fn __wasm_call_ctors();
    }
    static ONCE: std::sync::Once = std::sync::Once::new();
    // SAFETY: runs once per module instance, before the code that needs the registrations.
    ONCE.call_once(|| unsafe { __wasm_call_ctors() });
}
