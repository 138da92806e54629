//! The training worker with WebGPU (loaded by `worker_loader.js`, made by Trunk); the page
//! starts with `bin/worker_cpu.rs`, the same worker without WebGPU.

#[cfg(target_arch = "wasm32")]
fn main() {
    use gloo_worker::Registrable;
    worker::run_static_constructors();
    worker::web_worker::TrainerWorker::registrar().register();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the training worker runs in a browser: build the page with `trunk build`");
}
