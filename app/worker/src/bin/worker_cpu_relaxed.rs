//! The CPU-only training worker with relaxed SIMD's multiply-add in its GEMM (feature
//! `relaxed-simd`): `worker_cpu.rs` built for the engines that have relaxed SIMD, which the page
//! asks before it loads one (`protocol::device::RELAXED_SIMD_PROBE`).

fn main() {
    worker::start();
}
