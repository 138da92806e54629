//! The CPU-only training worker: the same worker as `main.rs`, built without burn's WebGPU
//! backend, so the page can start training (and the explorer draw) after a small download.

fn main() {
    worker::start();
}
