//! The training worker with WebGPU (loaded by `worker_loader.js`, made by Trunk); the page
//! starts with `bin/worker_cpu.rs`, the same worker without WebGPU.

fn main() {
    worker::start();
}
