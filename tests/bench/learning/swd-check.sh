#!/usr/bin/env bash
# The learning benchmark's metric against an independent one, and what noise scores in each.
#
#   [DATA=public/datasets/food] [GRIDS="a.png b.png"] [OUT=target/swd-check] \
#   tests/bench/learning/swd-check.sh
#
# Scores every grid with `gan-train --score` (this project's metric: SWD×10³ of 64 samples against
# 64 of the images, mean of three projection seeds) and with ../shared/peers/metrics/swd.py (written
# apart from the project: all the images, its own pyramid and patches), one line per grid, so the
# README's cross-check and its noise figures come from one command. The grids: an 8×8 grid of
# uniform noise (seeded, so every call scores the same one), then GRIDS, or by default the grids of
# a short `gan-train` run on DATA (width 16, batch 32, at 500 / 1 000 / 1 500 steps: about a minute
# on 2 cores), so the check spans noise to a trained model.
# Needs python3 with numpy and pillow (no torch).
set -euo pipefail
cd "$(dirname "$0")/../../.."
DATA=${DATA:-public/datasets/food} OUT=${OUT:-target/swd-check}
PEERS=${PEERS:-$PWD/../shared/peers}
mkdir -p "$OUT"
# The test command's build (see compare.sh: other feature sets compile burn again).
cargo build --release --workspace --features model/cli --all-targets

python3 - "$OUT/noise.png" <<'EOF'
import sys
import numpy as np
from PIL import Image
# 8×8 tiles of 32×32 pixels, each channel uniform on 0..255.
Image.fromarray(np.random.default_rng(0).integers(0, 256, (256, 256, 3), dtype=np.uint8)).save(sys.argv[1])
EOF
grids=("$OUT/noise.png")
if [[ -n ${GRIDS:-} ]]; then
    read -r -a more <<<"$GRIDS"
    grids+=("${more[@]}")
else
    RAYON_NUM_THREADS=2 target/release/gan-train --data "$DATA" --steps 1500 --width 16 --batch 32 \
        --ema 0 --sample-every 500 --quality-every 0 --checkpoint-every 1500 --out "$OUT/run" >"$OUT/run.log" 2>&1 ||
        { echo "gan-train failed: $OUT/run.log" >&2; exit 1; }
    for step in 500 1000 1500; do grids+=("$OUT/run/$(printf 'samples_%06d.png' "$step")"); done
fi

printf '%-40s %12s %12s\n' grid gan-train swd.py
target/release/gan-train --score "${grids[@]}" --data "$DATA" |
    while read -r grid score; do
        theirs=$(python3 "$PEERS/metrics/swd.py" "$grid" "$DATA" | sed -n 's/^swd_x1e3_mean=\([0-9.]*\).*/\1/p')
        printf '%-40s %12s %12s\n' "${grid#"$OUT"/}" "${score#swd_x1e3=}" "$theirs"
    done
