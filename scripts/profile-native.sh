#!/usr/bin/env bash
# Where the native CPU train step's time goes: perf samples of the criterion train-step bench
# (DCGAN-32 RGB, batch 64 by default, losses read each step, one thread), the top symbols and
# their shares grouped by what they do. Needs `perf` (linux-perf) with perf_event_paranoid ≤ 2.
#
#   [BATCH=64] [PROFILE_S=10] [TOP=12] scripts/profile-native.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BATCH=${BATCH:-64} PROFILE_S=${PROFILE_S:-10} TOP=${TOP:-12}
bench=$(cargo bench -p model --bench train_step --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*train_step[^"]*\)".*/\1/p' | tail -1)
[[ -n $bench ]] || { echo "no train_step bench executable was built" >&2; exit 1; }
command -v perf >/dev/null || { echo "perf is not installed (Debian: linux-perf)" >&2; exit 1; }
data=target/profile-native.data
RAYON_NUM_THREADS=1 perf record -F 499 -o "$data" -- "$bench" --bench --profile-time "$PROFILE_S" \
    "train_step_32x32_rgb/batch_${BATCH}/read_each\$" >/dev/null
perf report -i "$data" --no-children --sort symbol --stdio 2>/dev/null |
    awk -v top="$TOP" '
        /^ *[0-9.]+%/ {
            share = $1 + 0; kind = $2; $1 = ""; $2 = ""; sym = substr($0, 3); sub(/[ -]+$/, "", sym)
            if (shown++ < top) printf "%6.2f%%  %s\n", share, sym
            if (sym ~ /gemm_f32::microkernel/) g["gemm microkernels"] += share
            else if (sym ~ /gemm_common|gemm::/) g["gemm packing and dispatch"] += share
            else if (sym ~ /mask_where/) g["activation backward (mask_where)"] += share
            else if (sym ~ /conv_transpose/) g["conv-transpose scatter (col2im)"] += share
            else if (sym ~ /conv3d/) g["convolution im2col (conv3d_f32)"] += share
            else if (sym ~ /copy_2d_tiled/) g["transposes (copy_2d_tiled)"] += share
            else if (kind == "[k]") g["kernel (page faults, scheduling)"] += share
            else g["other"] += share
        }
        END { print ""; for (k in g) printf "group %5.1f%%  %s\n", g[k], k | "sort -k2,2 -rn" }'
grep -m1 'model name' /proc/cpuinfo | sed 's/.*: /# cpu: /' || true
grep -qw avx512f /proc/cpuinfo && echo "# with AVX-512" || echo "# without AVX-512"
