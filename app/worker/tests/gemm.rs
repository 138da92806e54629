//! The CPU workers' GEMM is a patched gemm-f32 (vendor/README.md: an 8×4 simd128 tile, and
//! relaxed SIMD's multiply-add, which `worker_cpu_relaxed` switches on). In the browser, in a
//! worker: first the plain kernels (`worker_cpu`'s), then the relaxed ones.
#![cfg(target_arch = "wasm32")]

use burn::tensor::{Device, Tensor, TensorData};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// One test, in order: the kernels are chosen for the whole program, and only forwards.
#[wasm_bindgen_test]
async fn both_patched_simd128_gemms_multiply_like_a_triple_loop() {
    worker::run_static_constructors();
    multiplies_like_a_triple_loop().await;
    gemm_f32::gemm::f32::use_wasm_relaxed_simd();
    multiplies_like_a_triple_loop().await;
}

/// Every remainder of the 8×4 tile, in rows and in columns, and depths around the kernel's loop,
/// must give a plain triple loop's products (within what rounding, fused or not, allows).
async fn multiplies_like_a_triple_loop() {
    let device = Device::flex();
    // A fixed, cheap sequence in [-1, 1): the products need no statistics, only exactness.
    let mut state = 12345_u32;
    let mut next = move || {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (state >> 8) as f32 / (1u32 << 23) as f32 - 1.0
    };
    for m in [1, 3, 4, 7, 8, 9, 12, 15, 16, 17, 33] {
        for n in [1, 2, 3, 4, 5, 8, 13] {
            for k in [1, 2, 9, 64, 300] {
                let a: Vec<f32> = (0..m * k).map(|_| next()).collect();
                let b: Vec<f32> = (0..k * n).map(|_| next()).collect();
                let product = Tensor::<2>::from_data(TensorData::new(a.clone(), [m, k]), &device)
                    .matmul(Tensor::<2>::from_data(
                        TensorData::new(b.clone(), [k, n]),
                        &device,
                    ))
                    .into_data_async()
                    .await
                    .unwrap()
                    .iter::<f32>()
                    .collect::<Vec<_>>();
                for i in 0..m {
                    for j in 0..n {
                        let expected: f64 = (0..k)
                            .map(|l| f64::from(a[i * k + l]) * f64::from(b[l * n + j]))
                            .sum();
                        let got = f64::from(product[i * n + j]);
                        assert!(
                            (got - expected).abs() <= 1e-5 * (k as f64).sqrt() * 4.0,
                            "[{m}×{k}]·[{k}×{n}] at ({i}, {j}): {got} vs {expected}"
                        );
                    }
                }
            }
        }
    }
}
