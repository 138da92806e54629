#!/usr/bin/env bash
# The learning benchmark's small-set case (issue 36, item 2): the first 40 of the 118 emoji faces
# (by name; the page ships all 118 as `public/datasets/faces.png`), from their 64×64 Twemoji
# sources prepared as the page prepares them (alpha over white, Lanczos3 to 32×32), width 16,
# batch 32, D's learning rate 8e-4, three seeds, 12 000 steps, both trainers. On it plain training
# falls apart for every seed within 6 000 steps in ours (README, "The small-set case"); the recipes
# are compared at twice that step.
#
#   [AUGS="0 ada"] [SEEDS="0 1 2"] [STEPS=12000] [EVERY=500] [PYTHON=python3] \
#   [OUT=target/learning-small-set] tests/bench/learning/small-set.sh
#
# AUGS="0 1 ada" adds fixed DiffAugment; every other variable is compare.sh's. Needs npm (the faces'
# sources, fetched once by scripts/emoji-sets.sh into target/emoji64) and python3 with torch,
# numpy and pillow. 2026-12-05, two cores: about 36 minutes of training for the 12 runs of
# AUGS="0 ada" (other work beside them), then about 2.7 s of scoring a grid on one core (576 grids at EVERY=500).
set -euo pipefail
cd "$(dirname "$0")/../../.."
[[ -d target/emoji64/faces ]] || scripts/emoji-sets.sh target/emoji64
export DATA=target/emoji64/faces SUBSET=40 PREPARE=1 RESIZE=lanczos3 WIDTH=16 BATCH=32 LR_D=0.0008
export STEPS=${STEPS:-12000} EVERY=${EVERY:-500} AUGS=${AUGS:-0 ada} SEEDS=${SEEDS:-0 1 2}
export OUT=${OUT:-target/learning-small-set}
exec tests/bench/learning/compare.sh
