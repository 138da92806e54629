#!/usr/bin/env bash
# Installs what the tests need and runs all of them: native (model, app logic), in-browser
# (wasm-bindgen-test: training steps on WebGPU and the CPU, the worker protocol), then
# end-to-end in headless Chromium (and a part in Firefox ESR) against the Trunk-built page.
source "$(dirname "$0")/tools.sh"
ensure_build_tools
ensure_browser
cd "$ROOT"
started=$SECONDS

say "native tests (model, the worker's and the page's logic, the UI's dependencies)"
cargo test --release --workspace
# The model's burn-free part (what the page's UI links) builds and passes on its own.
cargo test --release -p model --no-default-features

say "the native trainer and the benchmarks compile, as the README documents them"
cargo build --release -p model --features cli --bin gan-train
"$ROOT/target/release/gan-train" --help >/dev/null
cargo test --release -p model --features cli --test cli
cargo bench -p model --no-run --quiet
# The wasm size report (scripts/wasm-sizes.sh): its crate attribution, and the script parses.
node --test tests/bench/wasm-crates.test.mjs
bash -n scripts/wasm-sizes.sh

say "building the page"
trunk build --release

say "in-browser tests (wasm-bindgen-test in headless Chromium, in a worker)"
# Same profile and features as one of the page's worker builds, so only the test crate compiles.
in_browser() {
    (cd app/worker && CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=900 \
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
        cargo test --release --target wasm32-unknown-unknown "$@")
}
in_browser --features webgpu --test browser
# The patched GEMM as each CPU worker has it: plain SIMD, and relaxed SIMD's multiply-add.
in_browser --test gemm
in_browser --features relaxed-simd --test gemm

say "end-to-end tests in headless Chromium (and a part in Firefox ESR)"
(cd tests && npm ci --no-audit --no-fund --silent)
node --test --test-concurrency=1 tests/e2e/

say "the wasm profiler runs (on the page's build, without function names: scripts/wasm-profile.sh keeps them)"
node tests/bench/wasm-profile.mjs --steps 2 --top 3
bash -n scripts/wasm-profile.sh

say "all tests passed in $((SECONDS - started)) s"
