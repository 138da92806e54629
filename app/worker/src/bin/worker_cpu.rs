//! The CPU-only training worker: the same worker as `main.rs`, built without burn's WebGPU
//! backend, so the page can start training (and the explorer draw) after a small download.

#[cfg(target_arch = "wasm32")]
fn main() {
    worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the training worker runs in a browser: build the page with `trunk build`");
}
