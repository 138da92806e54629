#!/usr/bin/env bash
# Where the CPU worker's train step spends its time in headless Chromium, by function: builds the
# CPU worker as the page does but with its function names, puts it in a copy of the built page
# (run `trunk build --release` first) and profiles a few steps there (tests/bench/wasm-profile.mjs).
#   scripts/wasm-profile.sh [--batch 16] [--steps 6] [--under Gan::train_step] [--no-relaxed-simd]
# By default the relaxed-SIMD worker (what Chromium loads); `--no-relaxed-simd`, the plain one.
source "$(dirname "$0")/tools.sh"
cd "$ROOT"
export PATH="$ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
[[ -f dist/index.html ]] || { echo "no dist/: run trunk build --release first" >&2; exit 1; }
bin=worker_cpu_relaxed
for arg in "$@"; do [[ $arg == --no-relaxed-simd ]] && bin=worker_cpu; done
use_named_wasm_build
cargo build --release --target wasm32-unknown-unknown -p worker --bin "$bin" --quiet
named="$CARGO_TARGET_DIR/profile-dist"
rm -rf "$named" && cp -r dist "$named"
wasm-bindgen --target no-modules --no-typescript --out-dir "$named" --out-name "$bin" \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/$bin.wasm"
node tests/bench/wasm-profile.mjs --dist "$named" "$@"
