#!/usr/bin/env bash
# One run of each, in a row, in the same headless Chromium: the page's train step (burn, the
# page's own workers) and the TensorFlow.js peer's (../shared/peers/tfjs, DCGAN-32 alike), and
# their ratio, tf.js / burn (> 1: the page is faster). The page's CPU worker (relaxed SIMD, one
# thread) is compared with tf.js's wasm backend (SIMD, one thread), its WebGPU worker with tf.js's
# webgpu backend.
#
#   [DEVICES="cpu webgpu"] [BATCHES="16 64"] [STEPS=5] [BUDGET_S=60] scripts/bench-tfjs.sh
#
# Needs the built page (`trunk build --release`) and npm's registry once: the peer is copied to
# target/tfjs-peer (the shared one is left as it is) and its packages installed there.
# On SwiftShader (no GPU) a WebGPU step takes 8–30 s: DEVICES=cpu for a quick run.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PEER=${PEER:-$ROOT/../shared/peers/tfjs} COPY=target/tfjs-peer
DEVICES=${DEVICES:-cpu webgpu} BATCHES=${BATCHES:-16 64} STEPS=${STEPS:-5} BUDGET_S=${BUDGET_S:-60}
mkdir -p "$COPY"
for f in "$PEER"/*; do [[ $(basename "$f") == node_modules ]] || cp -r "$f" "$COPY/"; done
[[ -d $COPY/node_modules ]] || (cd "$COPY" && npm ci --no-audit --no-fund >/dev/null)

comma() { tr ' ' ',' <<<"$*"; }
backend() { case $1 in cpu) echo wasm ;; webgpu) echo webgpu ;; esac; }
for device in $DEVICES; do
    [[ -n $(backend "$device") ]] || { echo "no tf.js peer for device $device (cpu, webgpu)" >&2; exit 2; }
done
backends=$(for d in $DEVICES; do backend "$d"; done | paste -sd,)

# Each side's whole output is kept under target/; a run that fails (tf.js's run.mjs exits 1 when
# a backend does) leaves its lines out, and the table says NA.
node tests/bench/page-bench.mjs --only steps --devices "$(comma $DEVICES)" \
    --batches "$(comma $BATCHES)" --steps "$STEPS" >target/bench-tfjs-page.log || true
(cd "$COPY" && node run.mjs --backends "$backends" --batches "$(comma $BATCHES)" \
    --steps "$STEPS" --budget-s "$BUDGET_S") >target/bench-tfjs-peer.log || true
cat target/bench-tfjs-page.log target/bench-tfjs-peer.log >&2

# The value of KEY on the first line that has it (awk: no match is not an error under pipefail).
value() { awk -v k="$1=" '{ for (i = 1; i <= NF; i++) if (index($i, k) == 1) { print substr($i, length(k) + 1); exit } }'; }
for device in $DEVICES; do
    for batch in $BATCHES; do
        b=$(grep "^burn device=$device batch=$batch " target/bench-tfjs-page.log | value ms_per_step || true)
        t=$(grep "^tfjs backend=$(backend "$device") batch=$batch " target/bench-tfjs-peer.log | value ms_per_step || true)
        [[ $t == NA ]] && t=
        if [[ -z $b || -z $t ]]; then
            echo "device=$device batch=$batch burn_ms=${b:-NA} tfjs_ms=${t:-NA} ratio=NA"
        else
            echo "device=$device tfjs_backend=$(backend "$device") batch=$batch burn_ms=$b tfjs_ms=$t" \
                "ratio=$(awk -v b="$b" -v t="$t" 'BEGIN { printf "%.2f", t / b }')"
        fi
    done
done
