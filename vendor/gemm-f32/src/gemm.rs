pub mod f32 {
    type T = f32;
    gemm_common::gemm_def!(f32, 2);

    // GAN Playground's patch (vendor/README.md): the relaxed-SIMD kernels, chosen by the program.
    #[cfg(target_arch = "wasm32")]
    gemm_common::__inject_mod!(simd128_relaxed, f32, 2 * 2, Scalar, false);

    /// Makes every later f32 GEMM use relaxed SIMD's multiply-add (GAN Playground's patch,
    /// vendor/README.md). Call it only where the engine has relaxed SIMD: a module that reaches
    /// this function does not compile elsewhere.
    #[cfg(target_arch = "wasm32")]
    pub fn use_wasm_relaxed_simd() {
        let gemm_fn: GemmTy = simd128_relaxed::gemm_basic;
        GEMM_PTR.store(gemm_fn as *mut (), ::core::sync::atomic::Ordering::Relaxed);
    }
}
