#!/usr/bin/env bash
# Installs what the tests need and runs all of them: native (model, app logic), in-browser
# (wasm-bindgen-test: training steps on WebGPU and the CPU, the worker protocol), then
# end-to-end in headless Chromium (and a part in Firefox ESR) against the Trunk-built page.
source "$(dirname "$0")/tools.sh"
# Before the native build, not beside it: on 2 cores the two together reached the page's build
# in 1 107 s against 892 s one after the other (clean clones, tools uninstalled, 2026-11-29).
ensure_build_tools
ensure_browser
cd "$ROOT"
started=$SECONDS

# One feature set for every native build: the whole workspace with gan-train's `cli` feature.
# A narrower one (`-p model`, or no `cli`) resolves shared crates' features differently (the
# trainer's indicatif turns on portable-atomic's `fallback`, which all of burn sits on through
# spin) and compiles burn once more: three times over, before, in one run.
NATIVE=(--release --workspace --features model/cli)
say "building the native tests, gan-train and the benchmarks"
cargo test "${NATIVE[@]}" --all-targets --no-run
say "native doc tests, and the model's burn-free part (what the page's UI links) on its own"
cargo test "${NATIVE[@]}" --doc
cargo test --release -p model --no-default-features
"$ROOT/target/release/gan-train" --help >/dev/null
# The wasm size report (scripts/wasm-sizes.sh): its crate attribution, and the script parses.
node --test tests/bench/wasm-crates.test.mjs
# Every script parses (syntax only, `bash -n`; the benches that need PyTorch, perf or a GPU run
# elsewhere).
for script in scripts/*.sh tests/bench/*/*.sh; do bash -n "$script"; done
# …and so does every Node script a README names that the tests do not run (benches, the
# README's screenshot).
for script in tests/bench/*.mjs tests/docs/*.mjs; do node --check "$script"; done

# Two jobs run beside others: the native tests beside the page's build, the GPU backends'
# type-check beside the end-to-end tests. Each in a process group of its own (set -m), so that
# any exit of this script ends all of them; its output is printed when it is waited for.
background_pids=()
background_logs=()
trap 'for p in "${background_pids[@]}"; do kill -- -"$p" 2>/dev/null || true; done
      rm -f "${background_logs[@]}"' EXIT
trap 'exit 130' INT TERM
# beside NAME: runs the function NAME in the background.
beside() {
    background_logs+=("$(mktemp)")
    set -m
    "$1" >"${background_logs[-1]}" 2>&1 &
    background_pids+=($!)
    set +m
}
# finish: waits for the oldest background job still running, prints its output, stops on failure.
finished=0
finish() {
    local status=0
    wait "${background_pids[finished]}" || status=$?
    cat "${background_logs[finished]}"
    finished=$((finished + 1))
    [ "$status" -eq 0 ] || { say "that job failed"; exit "$status"; }
}

# The native tests train on one or two threads for about 6 minutes (long_run alone 4.5).
# Cargo holds its build lock (which trunk's cargo needs too) only while it checks that the tests
# are built, so the page's build starts once they run.
native_tests() {
    say "native tests (model, the worker's and the page's logic, the UI's dependencies)"
    # Every target: the libraries, the integration tests (the trainer's among them), and the
    # benchmarks, run once each as tests.
    cargo test "${NATIVE[@]}" --all-targets
}
beside native_tests
until grep -q '^     Running' "${background_logs[0]}" || ! kill -0 "${background_pids[0]}" 2>/dev/null; do
    sleep 0.5
done

say "building the page (the native tests run meanwhile)"
trunk build --release
finish

say "in-browser tests (wasm-bindgen-test in headless Chromium, in a worker)"
# Same profile and features as one of the page's worker builds, so only the test crate compiles.
in_browser() {
    (cd app/worker && CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=900 \
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
        cargo test --release --target wasm32-unknown-unknown "$@")
}
in_browser --features webgpu --test browser
# The patched GEMM's two kernels: plain SIMD, and relaxed SIMD's multiply-add.
in_browser --test gemm

# The README documents gan-train's GPU backends: checked, not built (building burn's wgpu and
# CUDA stacks natively as well would add about 10 minutes). Beside the end-to-end tests, which
# leave a fifth of the machine idle, at the lowest priority: in a clean-clone run on 2 cores the
# e2e tests took 554 s instead of 432, and both were done about 95 s sooner than one after the
# other (259 s); beside the page's build it stretched the build by 8.7 min. In the shared target
# directory: cargo's lock is free from here on (the e2e tests do not build), and some of the
# native and WebGPU builds' build scripts and proc-macros serve it (259 s instead of 290 s when
# alone). The CUDA backend's build scripts would ask nvcc for the CUDA version and download an LLVM
# bundle (tracel-llvm-bundler, cubecl-llvm); a type-check needs neither: CUDARC_CUDA_VERSION
# names a version and DOCS_RS skips the download (as on docs.rs). Only those two read DOCS_RS.
# The train-step bench's GPU builds (scripts/bench-gpu.sh) are covered too: it has no code of its
# own per backend (model::backend, checked here, picks the device), and it is built with the CPU.
gpu_check() {
    say "gan-train's GPU backends (--features cli,wgpu,vulkan,cuda), type-checked"
    DOCS_RS=1 CUDARC_CUDA_VERSION=12080 nice -n 19 \
        cargo check --release -p model --features cli,wgpu,vulkan,cuda --bin gan-train
}
beside gpu_check

say "end-to-end tests in headless Chromium (and a part in Firefox ESR; the type-check runs meanwhile)"
(cd tests && npm ci --no-audit --no-fund --silent)
node --test --test-concurrency=1 tests/e2e/

say "the wasm profiler runs (on the page's build, without function names: scripts/wasm-profile.sh keeps them)"
node tests/bench/wasm-profile.mjs --steps 2 --top 3
bash -n scripts/wasm-profile.sh
finish

say "all tests passed in $((SECONDS - started)) s"
