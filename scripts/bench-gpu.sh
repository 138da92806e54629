#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: burn's wgpu-Vulkan train step (gan-train built with
# `--features cli,vulkan`) against PyTorch CUDA (dcgan32.py --device cuda) in one run.
#   scripts/bench-gpu.sh GAN_TRAIN_BINARY DCGAN32_PY
# Each burn figure is (time of 60 steps − time of 20 steps) / 40, so start-up, shader
# compilation and autotuning are left out; losses are read back every step, as the peer does.
set -uo pipefail
BIN=$1
PEER=$2
OUT=${OUT:-/tmp/bench-gpu}
mkdir -p "$OUT"
nvidia-smi -L || true
for batch in 16 64 256; do
    if python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
        torch_ms=$(python3 "$PEER" --device cuda --batch "$batch" --steps 50 | awk -F= '/^ms_per_step=/ {print $2}')
    else
        torch_ms=NA
    fi
    run() {
        "$BIN" --builtin rings --builtin-count 1024 --backend vulkan --batch "$batch" --steps "$1" \
            --log-every 1 --sample-every 1000000 --checkpoint-every 1000000 --out "$OUT/b$batch-$1" 2>&1 \
            | tee "$OUT/b$batch-$1.log" | awk '/ steps in / { print $4 }'
    }
    short=$(run 20)
    long=$(run 60)
    burn_ms=$(awk -v l="$long" -v s="$short" 'BEGIN { print (l - s) * 1000 / 40 }')
    printf 'batch %-4s pytorch_cuda_ms=%s burn_vulkan_ms=%.2f (20 steps %ss, 60 steps %ss)\n' \
        "$batch" "$torch_ms" "$burn_ms" "$short" "$long"
done
