//! The training worker's entry point (loaded by `worker_loader.js`, made by Trunk).

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
