#!/usr/bin/env bash
# Issue 14's side-by-side: the same long run in gan-train and in the PyTorch reference, on the
# same folder, batch and optimiser, each on one thread, with per-step logs (losses, D outputs,
# gradient norms, batch-norm statistics) and sample grids every 250 steps scored by the
# independent ../shared/peers/metrics/swd.py against the training images.
#
#   [DATA=public/datasets/food] [STEPS=3000] [SEED=0] [WIDTH=64] [BATCH=64] [OUT=target/collapse] \
#       tests/bench/collapse/compare.sh
# Needs python3 with torch, numpy and pillow (pip install torch numpy pillow); about an hour on
# this project's 2-core machine (the two trainers run side by side).
set -euo pipefail
cd "$(dirname "$0")/../../.."
DATA=${DATA:-public/datasets/food} STEPS=${STEPS:-3000} SEED=${SEED:-0} OUT=${OUT:-target/collapse}
WIDTH=${WIDTH:-64} BATCH=${BATCH:-64}
PEERS=${PEERS:-../shared/peers}
mkdir -p "$OUT"
# The test command's native build (scripts/test.sh: every target, so dev-dependencies' features
# are unified the same way), so its gan-train serves: `-p model` alone, or `--bin gan-train`,
# resolves shared crates' features differently and compiles burn again (about 5 minutes).
cargo build --release --workspace --features model/cli --all-targets
RAYON_NUM_THREADS=1 target/release/gan-train --data "$DATA" --steps "$STEPS" --batch "$BATCH" --width "$WIDTH" --seed "$SEED" \
    --out "$OUT/burn-s$SEED" --log-csv "$OUT/burn-s$SEED.csv" --log-every 10 >"$OUT/burn-s$SEED.log" 2>&1 &
burn=$!
PEERS=$PEERS python3 tests/bench/collapse/ref_log.py --data "$DATA" --steps "$STEPS" --seed "$SEED" \
    --width "$WIDTH" --batch "$BATCH" \
    --out "$OUT/ref-s$SEED" >"$OUT/ref-s$SEED.log" 2>&1
wait $burn
printf '%6s %12s %12s\n' step gan-train pytorch
for ((s = 250; s <= STEPS; s += 250)); do
    ours=$(python3 "$PEERS/metrics/swd.py" "$OUT/burn-s$SEED/$(printf 'samples_%06d.png' $s)" "$DATA" | sed -n 's/^swd_x1e3_mean=\([0-9.]*\).*/\1/p')
    theirs=$(python3 "$PEERS/metrics/swd.py" "$OUT/ref-s$SEED/grid-$s.png" "$DATA" | sed -n 's/^swd_x1e3_mean=\([0-9.]*\).*/\1/p')
    printf '%6d %12s %12s\n' "$s" "$ours" "$theirs"
done
