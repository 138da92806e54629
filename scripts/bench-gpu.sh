#!/usr/bin/env bash
# Issue 12, part 5: burn's GPU train step against PyTorch CUDA (../shared/peers/pytorch/dcgan32.py
# --device cuda) in one run, batch 16/64/256, each in steady state inside one process after
# warm-up (model/benches/train_step.rs: criterion; its figures read the losses back every step,
# `read_each`, and one step late, `read_behind`, as the page does).
#
# Here (2 cores, no GPU; the `wgpu` build took 43 minutes with two other jobs on the cores): the
# bench built twice, with the page's settings (`wgpu`: WGSL through wgpu, fusion and autotune
# off) and burn's best native ones (`vulkan`: SPIR-V, fusion and autotune on), copied under
# gpu-bench/ (ignored by git):
#   [FEATURES="wgpu vulkan"] scripts/bench-gpu.sh --build
# On the device machine, one call (no Rust there; Vulkan's loader unpacked from .gl/, which the
# device tool's README says how to fill), carrying gpu-bench and .gl:
#   for f in .gl/*.deb; do dpkg -x $f /; done; ldconfig
#   scripts/bench-gpu.sh gpu-bench/dcgan32.py wgpu=gpu-bench/train_step-wgpu.xz vulkan=gpu-bench/train_step-vulkan.xz
# Prints, per batch, PyTorch's median ms per step and each bench's criterion point estimate in
# ms; criterion's whole output goes to $OUT/NAME.log.
# A step of seconds means wgpu found no GPU and fell back to a software one: here, with no
# Vulkan driver, 31.5 s a step at batch 16 (OpenGL on Mesa's llvmpipe, one core).
set -euo pipefail
cd "$(dirname "$0")/.."
BATCHES=${BATCHES:-16,64,256}
OUT=${OUT:-/tmp/bench-gpu}

if [[ ${1:-} == --build ]]; then
    mkdir -p gpu-bench
    cp ../shared/peers/pytorch/dcgan32.py gpu-bench/
    for feature in ${FEATURES:-wgpu vulkan}; do
        # A target folder each: the two feature sets would otherwise rebuild burn in turn.
        exe=$(CARGO_TARGET_DIR=target/gpu-$feature cargo bench -p model --features "$feature" \
            --bench train_step --no-run --message-format=json |
            python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "train_step" and m["executable"]:
        print(m["executable"])')
        # Stripped and compressed: 65 MB and 10 MB for `wgpu`, and the device tool carries 64 MiB.
        strip -o "gpu-bench/train_step-$feature" "$exe"
        xz -T0 -f "gpu-bench/train_step-$feature"
    done
    ls -l gpu-bench
    exit 0
fi

PEER=$1
shift
mkdir -p "$OUT"
nvidia-smi -L || true
declare -A burn_ms
for bench in "$@"; do
    name=${bench%%=*} exe=${bench#*=}
    if [[ $exe == *.xz ]]; then # with Python's lzma: the device machine may have no xz
        python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
            "$exe" "$OUT/$name.bin"
        chmod +x "$OUT/$name.bin"
        exe=$OUT/$name.bin
    fi
    # Criterion's own output, whole; the figures are picked out of it below.
    TRAIN_STEP_BACKEND=$name TRAIN_STEP_BATCHES=$BATCHES "$exe" --bench --noplot train_step \
        2>&1 | tee "$OUT/$name.log"
    while read -r id ms; do burn_ms[$name/$id]=$ms; done < <(awk '
        /^train_step_32x32_rgb\// { id = $1 }
        / time: +\[/ && id != "" {
            for (i = 1; i < NF; i++) if ($i == "time:") { v = $(i + 3); u = $(i + 4) }  # the point estimate
            ms = (u == "s") ? v * 1000 : (u == "µs" || u == "us") ? v / 1000 : (u == "ns") ? v / 1e6 : v
            sub(/^train_step_32x32_rgb\/batch_/, "", id)
            print id, ms; id = ""
        }' "$OUT/$name.log")
done
cuda=$(python3 -c 'import torch; print(int(torch.cuda.is_available()))' 2>/dev/null || echo 0)
for batch in ${BATCHES//,/ }; do
    torch_ms=NA
    if [[ $cuda == 1 ]]; then
        torch_ms=$(python3 "$PEER" --device cuda --batch "$batch" --steps 50 | awk -F= '/^ms_per_step=/ {print $2}')
    fi
    line="batch $batch: pytorch_cuda_ms=$torch_ms"
    for bench in "$@"; do
        name=${bench%%=*}
        for read in read_each read_behind; do
            line+=" ${name}_${read}_ms=${burn_ms[$name/$batch/$read]:-NA}"
        done
    done
    echo "$line"
done
