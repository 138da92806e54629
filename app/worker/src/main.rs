//! The training worker with WebGPU (loaded by `worker_loader.js`, made by Trunk); the page
//! starts with `bin/worker_cpu.rs`, the same worker without WebGPU.

#[cfg(target_arch = "wasm32")]
fn main() {
    worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the training worker runs in a browser: build the page with `trunk build`");
}
