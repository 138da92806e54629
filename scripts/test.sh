#!/usr/bin/env bash
# Installs what the tests need and runs all of them: native (model, app logic), in-browser
# (wasm-bindgen-test: training steps on WebGPU and the CPU, the worker protocol), then
# end-to-end in headless Chromium (and a part in Firefox ESR) against the Trunk-built page.
source "$(dirname "$0")/tools.sh"
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
bash -n scripts/wasm-sizes.sh

# The native tests train on one or two threads for about 6 minutes (long_run alone 4.5): they
# run beside the page's build. Cargo holds its build lock (which trunk's cargo needs too) only
# while it checks that the tests are built, so the page's build starts once they run. In a
# process group of their own (set -m), so that any exit of this script ends all of them.
native_log="$(mktemp)"
set -m
(
    say "native tests (model, the worker's and the page's logic, the UI's dependencies)"
    # Every target: the libraries, the integration tests (the trainer's among them), and the
    # benchmarks, run once each as tests.
    cargo test "${NATIVE[@]}" --all-targets
) >"$native_log" 2>&1 &
native_pid=$!
set +m
trap 'kill -- -"$native_pid" 2>/dev/null || true; rm -f "$native_log"' EXIT
trap 'exit 130' INT TERM
until grep -q '^     Running' "$native_log" || ! kill -0 "$native_pid" 2>/dev/null; do sleep 0.5; done

say "building the page (the native tests run meanwhile)"
trunk build --release
native_status=0
wait "$native_pid" || native_status=$?
cat "$native_log"
[ "$native_status" -eq 0 ] || { say "native tests failed"; exit "$native_status"; }

say "gan-train's GPU backends (--features cli,wgpu,vulkan,cuda), type-checked"
# The README documents them; checked, not built: building burn's wgpu and CUDA stacks natively
# as well would add about 10 minutes. After the page's build, in the same target directory, so
# that the build scripts and proc-macros of the native and WebGPU builds serve it too (beside
# that build, in a directory of its own, it stretched the build by 8.7 min). The CUDA backend's
# build scripts would ask nvcc for the CUDA version and download an LLVM bundle
# (tracel-llvm-bundler, cubecl-llvm); a type-check needs neither: CUDARC_CUDA_VERSION names a
# version and DOCS_RS skips the download (as on docs.rs). Only those two crates read DOCS_RS.
DOCS_RS=1 CUDARC_CUDA_VERSION=12080 \
    cargo check --release -p model --features cli,wgpu,vulkan,cuda --bin gan-train

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

say "end-to-end tests in headless Chromium (and a part in Firefox ESR)"
(cd tests && npm ci --no-audit --no-fund --silent)
node --test --test-concurrency=1 tests/e2e/

say "the wasm profiler runs (on the page's build, without function names: scripts/wasm-profile.sh keeps them)"
node tests/bench/wasm-profile.mjs --steps 2 --top 3
bash -n scripts/wasm-profile.sh

say "all tests passed in $((SECONDS - started)) s"
