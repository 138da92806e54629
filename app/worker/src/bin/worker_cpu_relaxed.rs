//! The CPU-only training worker with relaxed SIMD's multiply-add in its GEMM: `worker_cpu.rs`
//! for the engines that have relaxed SIMD, which the page asks before it loads one
//! (`protocol::device::RELAXED_SIMD_PROBE`). The same build as `worker_cpu`: only this entry
//! point reaches the relaxed kernels, so only this program contains them.

fn main() {
    worker::start_with_relaxed_simd();
}
