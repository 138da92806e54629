#!/usr/bin/env bash
# Issue 12's learning benchmark: how good the samples are after a given number of steps on a
# small set, for plain DCGAN, +EMA, +DiffAugment and +both, in gan-train and in the PyTorch
# reference (tests/bench/learning/ref_train.py, a copy of ../shared/peers/pytorch/ref_train.py),
# on the same folder with the same settings, over several training seeds.
#
#   [DATA=public/datasets/food] [SUBSET=N] [STEPS=2000] [EVERY=500] [SEEDS="0 1 2"] [WIDTH=64] \
#   [BATCH=64] [LR_D=0.0002] [AUGS="0 1"] [ADA=0.6] [RESIZE=lanczos3] [PREPARE=0] [JOBS=2] \
#   [PEER_EPOCHS=0] [WHO="ours ref"] [PYTHON=python3] [OUT=target/learning] tests/bench/learning/compare.sh
#
# SUBSET=N trains on the first N images of DATA (by name), copied to OUT/data, to try a smaller
# set; AUGS="0" runs only the recipes without DiffAugment (plain and +EMA), half the cost;
# AUGS="0 ada" compares plain training with adaptive augmentation (target ADA, both trainers'
# own implementation of Karras et al. 2020); LR_D sets D's learning rate in both;
# PREPARE=1 first writes the images as gan-train prepares them (RESIZE: its filter) to
# OUT/prepared, and both trainers train on those very pixels (the reference's own loader would
# drop alpha and resize again);
# PEER_EPOCHS=1 has the reference serve shuffled epochs as gan-train does (`ref_train.py
# --epochs`) instead of sampling each batch with replacement;
# WHO="ours" (or "ref") trains only that trainer's runs (the other's, if written, are still scored);
# SCORE_ONLY=1 trains nothing and scores the grids already written (runs cut short included:
# the last column gives how many seeds each row has, ours/PyTorch).
#
# Each run trains with the average of G (EMA 0.999, warm-up) kept on the side and writes both
# generators' 8×8 grids every EVERY steps, so a run gives two recipes. Every grid is scored by
# one metric, `gan-train --score` (SWD×10³ of 64 samples against 64 of the images, three
# projection seeds; cross-checked against ../shared/peers/metrics/swd.py in the README).
# Prints, per recipe and step, the mean and sample standard deviation over the seeds and the
# ratio ours / PyTorch; then EMA's gain, per step: the raw G's score minus the averaged G's in
# the same run (paired, so the spread between training seeds cancels), mean ± sd over seeds.
# Needs python3 with torch, numpy and pillow. Each trainer runs on one thread; JOBS runs go
# side by side.
set -euo pipefail
cd "$(dirname "$0")/../../.."
DATA=${DATA:-public/datasets/food} STEPS=${STEPS:-2000} EVERY=${EVERY:-500}
SEEDS=${SEEDS:-0 1 2} WIDTH=${WIDTH:-64} BATCH=${BATCH:-64} JOBS=${JOBS:-2}
AUGS=${AUGS:-0 1} OUT=${OUT:-target/learning} LR_D=${LR_D:-0.0002} ADA=${ADA:-0.6}
RESIZE=${RESIZE:-lanczos3} PYTHON=${PYTHON:-python3}
export PEERS=${PEERS:-$PWD/../shared/peers}
mkdir -p "$OUT"
if [[ -n ${SUBSET:-} ]]; then
    rm -rf "$OUT/data" && mkdir -p "$OUT/data"
    find "$DATA" -maxdepth 1 -type f \( -name '*.png' -o -name '*.jpg' -o -name '*.jpeg' \) |
        LC_ALL=C sort | sed -n "1,${SUBSET}p" | xargs -d '\n' cp -t "$OUT/data"
    DATA=$OUT/data
    echo "training on $(find "$DATA" -type f | wc -l) images in $DATA" >&2
fi
# The test command's native build (scripts/test.sh: every target, so dev-dependencies' features
# are unified the same way), so its gan-train serves: `-p model` alone, or `--bin gan-train`,
# resolves shared crates' features differently and compiles burn again (about 5 minutes).
cargo build --release --workspace --features model/cli --all-targets
if [[ ${PREPARE:-0} == 1 ]]; then
    rm -rf "$OUT/prepared"
    target/release/gan-train --data "$DATA" --resize "$RESIZE" --export-prepared "$OUT/prepared"
    DATA=$OUT/prepared
fi

run() { # who seed augment
    local who=$1 seed=$2 aug=$3 dir="$OUT/$1-s$2-aug$3"
    [[ -e "$dir/done" ]] && return 0 # finished by an earlier call (a run stopped is not done)
    local augment=(--diffaug "$aug") peer_augment=($([[ $aug == 1 ]] && echo --diffaug))
    if [[ $aug == ada ]]; then augment=(--ada "$ADA") peer_augment=(--ada "$ADA"); fi
    if [[ ${PEER_EPOCHS:-0} == 1 ]]; then peer_augment+=(--epochs); fi
    if [[ $who == ours ]]; then
        RAYON_NUM_THREADS=1 target/release/gan-train --data "$DATA" --steps "$STEPS" --batch "$BATCH" \
            --width "$WIDTH" --seed "$seed" --ema 0.999 "${augment[@]}" --lr-d "$LR_D" --raw-samples \
            --sample-every "$EVERY" --quality-every 0 --checkpoint-every "$STEPS" --out "$dir" \
            >"$dir.log" 2>&1 || { echo "$dir failed or was stopped: $dir.log" >&2; return 1; }
    else
        "$PYTHON" tests/bench/learning/ref_train.py --data "$DATA" --steps "$STEPS" --batch "$BATCH" \
            --width "$WIDTH" --seed "$seed" --ema 0.999 "${peer_augment[@]}" --lr-d "$LR_D" \
            --every "$EVERY" --out "$dir" >"$dir.log" 2>&1 ||
            { echo "$dir failed or was stopped: $dir.log" >&2; return 1; }
    fi
    touch "$dir/done"
    echo "finished $dir" >&2
}
export -f run
export DATA STEPS EVERY WIDTH BATCH OUT LR_D ADA PYTHON PEER_EPOCHS
if [[ ${SCORE_ONLY:-0} != 1 ]]; then
    for seed in $SEEDS; do for aug in $AUGS; do for who in ${WHO:-ours ref}; do echo "$who $seed $aug"; done; done; done |
        xargs -P "$JOBS" -L 1 bash -c 'run "$@"' _
fi

# Score every grid in one call (the images are loaded once; about 7 s of CPU a grid). Each
# score is kept beside its grid (GRID.swd), so a grid scored by an earlier call is not scored
# again unless the grid is newer: a new DATA needs a new OUT.
grids=()
for seed in $SEEDS; do for aug in $AUGS; do
    for ((s = EVERY; s <= STEPS; s += EVERY)); do
        grids+=("$OUT/ours-s$seed-aug$aug/$(printf 'raw_%06d.png' $s)"
            "$OUT/ours-s$seed-aug$aug/$(printf 'samples_%06d.png' $s)"
            "$OUT/ref-s$seed-aug$aug/grid-$s.png" "$OUT/ref-s$seed-aug$aug/grid-ema-$s.png")
    done
done; done
todo=()
if [[ ${SCORE_ONLY:-0} == 1 || ${WHO:-ours ref} != "ours ref" ]]; then
    written=()
    for grid in "${grids[@]}"; do [[ -e $grid ]] && written+=("$grid"); done
    grids=("${written[@]}")
fi
for grid in "${grids[@]}"; do [[ -s $grid.swd && $grid.swd -nt $grid ]] || todo+=("$grid"); done
if ((${#todo[@]})); then
    target/release/gan-train --score "${todo[@]}" --data "$DATA" |
        while read -r grid score; do echo "$grid $score" >"$grid.swd"; done
fi
for grid in "${grids[@]}"; do cat "$grid.swd"; done >"$OUT/scores.txt"
python3 - "$OUT/scores.txt" <<'EOF'
import re, statistics, sys
order = ["plain", "+EMA", "+DiffAugment", "+both", "+ADA", "+ADA+EMA"]
rows, pairs, runs = {}, {}, {}
for line in open(sys.argv[1]):
    path, swd = line.split(" swd_x1e3=")
    m = re.search(r"(ours|ref)-s(\d+)-aug(\w+)/(raw_|samples_|grid-ema-|grid-)0*(\d+)\.png", path)
    who, seed, aug, kind, step = m.groups()
    ema = kind in ("samples_", "grid-ema-")
    recipe = {("0", 0): "plain", ("0", 1): "+EMA", ("1", 0): "+DiffAugment", ("1", 1): "+both",
              ("ada", 0): "+ADA", ("ada", 1): "+ADA+EMA"}[(aug, ema)]
    rows.setdefault((recipe, int(step)), {}).setdefault(who, []).append(float(swd))
    pairs.setdefault((who, aug, int(step)), {}).setdefault(seed, {})[ema] = float(swd)
    runs.setdefault((recipe, who, int(seed)), []).append((int(step), float(swd)))
def cell(xs):
    sd = statistics.stdev(xs) if len(xs) > 1 else 0.0
    return f"{statistics.mean(xs):6.1f} ± {sd:4.1f}" if xs else f"{'—':>13}"
print(f"{'recipe':13} {'step':>5}  {'gan-train':>13}  {'PyTorch':>13}  ratio  seeds")
for recipe in order:
    for step in sorted(s for r, s in rows if r == recipe):
        r = rows[(recipe, step)]
        ours, ref = r.get("ours", []), r.get("ref", [])
        ratio = f"{statistics.mean(ours) / statistics.mean(ref):5.2f}" if ours and ref else "    —"
        print(f"{recipe:13} {step:5}  {cell(ours)}  {cell(ref)}  {ratio}  {len(ours)}/{len(ref)}")
print()
print("EMA's gain (raw G's SWD minus the averaged G's, same run; > 0: EMA better), mean ± sd over seeds")
print(f"{'recipe':13} {'step':>5}  {'gan-train':>13}  {'PyTorch':>13}  per seed, ours | PyTorch")
for aug, name in [("0", "plain"), ("1", "DiffAugment"), ("ada", "ADA")]:
    for step in sorted({s for w, a, s in pairs if a == aug}):
        gains = {who: [p[False] - p[True] for _, p in sorted(pairs.get((who, aug, step), {}).items())
                       if len(p) == 2] for who in ("ours", "ref")}
        seeds = " | ".join(" ".join(f"{g:+.1f}" for g in gains[who]) for who in ("ours", "ref"))
        print(f"{name:13} {step:5}  {cell(gains['ours'])}  {cell(gains['ref'])}  {seeds}")
print()
# The quality alarm's rule (model::health's defaults): a score above 1.5× the best so far and 15
# above it means the run fell apart.
print("Per run: best score, where it first fell apart (the quality alarm's rule: > 1.5 × best so far")
print("and > best + 15), and the last step's score against the run's best")
print(f"{'recipe':13} {'who':4} {'seed':>4}  {'best':>14}  {'fell apart':33}  last / best")
for recipe, who, seed in sorted(runs, key=lambda r: (order.index(r[0]), r[1], r[2])):
    best, fell = None, "held"
    for step, swd in sorted(runs[(recipe, who, seed)]):
        if best and fell == "held" and swd > 1.5 * best[0] and swd > best[0] + 15:
            fell = f"at {step} ({best[0]:.1f} at {best[1]} → {swd:.1f})"
        if best is None or swd < best[0]:
            best = (swd, step)
    print(f"{recipe:13} {who:4} {seed:>4}  {best[0]:6.1f} at {best[1]:5}  {fell:33}  "
          f"{swd / best[0]:.2f} at {step}")
EOF
