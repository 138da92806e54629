//! GAN Playground's training worker: the DCGAN in burn, on WebGPU or the CPU, in a Web Worker.
//! The page (`app/ui`) never links this crate; they talk through `protocol`'s messages.
//!
//! - [`web_worker`]: the Web Worker itself, which answers the page's requests (browser only).
//! - [`lab_worker`]: the 2-D lab's own Web Worker (its own program, `bin/lab_worker.rs`).
//! - [`adapter`]: whether the WebGPU adapter is a real GPU (the worker decides; plain, tested).
//! - [`trainer`]: a run's model and data (its folder: the user's image `library`, `inspection` —
//!   verdict, nearest images, feature maps, quality — and project `files`; going back is
//!   `model::guard`'s); [`explorer`]: drawing from a generator.
//!   Both are plain state, tested natively; [`error`]: why a request failed.

pub mod adapter;
pub mod error;
pub mod explorer;
#[cfg(target_arch = "wasm32")]
pub mod lab_worker;
pub mod trainer;
#[cfg(target_arch = "wasm32")]
pub mod web_worker;

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

/// Starts the worker in this Web Worker: what every build's entry point (`main.rs`, `bin/`) does.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    use gloo_worker::Registrable;
    run_static_constructors();
    web_worker::TrainerWorker::registrar().register();
}

/// Starts the worker with relaxed SIMD's multiply-add in the CPU backend's GEMM (≈9 % faster per
/// step): `worker_cpu_relaxed`'s entry point, loaded only where the browser has relaxed SIMD.
///
/// A module that contains a relaxed SIMD instruction does not compile in an engine without it,
/// and wasm-ld keeps only what a program reaches: only a program that calls this function has
/// those kernels, so `worker_cpu` is the same build of this crate and still runs everywhere.
#[cfg(target_arch = "wasm32")]
pub fn start_with_relaxed_simd() {
    gemm_f32::gemm::f32::use_wasm_relaxed_simd();
    web_worker::RELAXED_SIMD.store(true, std::sync::atomic::Ordering::Relaxed);
    start();
}

/// Natively there is no Web Worker to start: says where the worker runs.
#[cfg(not(target_arch = "wasm32"))]
pub fn start() {
    eprintln!("the training worker runs in a browser: build the page with `trunk build`");
}

/// Natively there is no Web Worker to start: says where the worker runs.
#[cfg(not(target_arch = "wasm32"))]
pub fn start_with_relaxed_simd() {
    start();
}

/// Starts the 2-D lab's worker in this Web Worker (`bin/lab_worker.rs`).
#[cfg(target_arch = "wasm32")]
pub fn start_lab() {
    use gloo_worker::Registrable;
    run_static_constructors();
    lab_worker::LabWorker::registrar().register();
}

/// Natively there is no Web Worker to start: says where the lab's worker runs.
#[cfg(not(target_arch = "wasm32"))]
pub fn start_lab() {
    eprintln!("the lab's worker runs in a browser: build the page with `trunk build`");
}
