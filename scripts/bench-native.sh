#!/usr/bin/env bash
# One run of both: the PyTorch peer (../shared/peers/pytorch/dcgan32.py) and burn's native
# CPU train step (criterion), single-threaded, same model, batch 16 and 64.
#   scripts/bench-native.sh            # needs `pip install torch numpy`
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEER="${PEER:-$ROOT/../shared/peers/pytorch/dcgan32.py}"
cd "$ROOT"
mkdir -p target && : >target/bench-native.log
export RAYON_NUM_THREADS=1 OMP_NUM_THREADS=1
cargo bench -p model --bench train_step --no-run --quiet
for batch in 16 64; do
    # Each side's errors go to target/bench-native.log; a side that fails gives no figure (below).
    torch_ms=$(python3 "$PEER" --batch "$batch" --steps 10 --threads 1 2>>target/bench-native.log |
        awk -F= '/^ms_per_step=/ {print $2}' || true)
    # read_each: the losses read back every step, as the peer's `.item()` does.
    # The first `time:` line only; awk reads on to the end, so the bench never writes to a
    # closed pipe.
    burn_ms=$(cargo bench -p model --bench train_step --quiet -- "train_step_32x32_rgb/batch_${batch}/read_each\$" 2>>target/bench-native.log |
        awk '/time:/ && !done { v=$4; u=$5; if (u=="s") v*=1000; if (u=="µs") v/=1000; print v; done=1 }' || true)
    [[ -n $torch_ms && -n $burn_ms ]] ||
        { echo "batch $batch: no figure (pytorch '$torch_ms', burn '$burn_ms'): see target/bench-native.log" >&2; exit 1; }
    printf 'batch %-3s pytorch %8.1f ms  burn(flex) %8.1f ms  ratio %.2f\n' "$batch" "$torch_ms" "$burn_ms" \
        "$(awk -v b="$burn_ms" -v t="$torch_ms" 'BEGIN { print b / t }')"
done
