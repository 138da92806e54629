#!/usr/bin/env bash
# What the page's two workers are made of: builds each as the page does but keeps the function
# names (the page's build strips them), and sums twiggy's per-function sizes by crate
# (tests/bench/wasm-crates.mjs). Sizes are of the wasm before wasm-bindgen, raw and as a share;
# the built page's gzipped totals are page-bench's `# file` lines.
#   scripts/wasm-sizes.sh            # both workers
#   scripts/wasm-sizes.sh cpu        # the CPU worker only
source "$(dirname "$0")/tools.sh"
cd "$ROOT"
command -v twiggy >/dev/null || cargo install twiggy --locked --version 0.8.0
export PATH="$ROOT/.tools/node_modules/.bin:$PATH"
use_named_wasm_build
which=${1:-all}
report() { # bin features
    cargo build --release --target wasm32-unknown-unknown -p worker --bin "$1" ${2:+--features "$2"} --quiet
    local wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/$1.wasm"
    twiggy top -n 10000000 --format csv "$wasm" > "$CARGO_TARGET_DIR/$1.top.csv"
    node tests/bench/wasm-crates.mjs "$1" "$CARGO_TARGET_DIR/$1.top.csv" "$wasm"
}
if [[ $which == all || $which == cpu ]]; then report worker_cpu; fi
if [[ $which == all || $which == webgpu ]]; then report worker webgpu; fi
