#!/usr/bin/env bash
# Trunk post-build hook (Trunk.toml): writes the service worker, app/sw.js, into the build as
# sw.js, with the build's files and a hash of each (see app/sw.js for why).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook, or with TRUNK_STAGING_DIR set}"
# Kept at the first visit: what the page needs to open, train on the CPU and draw the explorer
# (its opening generator, protocol's `Showcase::OPENING`);
# of the two CPU workers, the one this browser will load (sw.js asks whether it has relaxed SIMD).
at_once='^(index\.html|app\.js|app_bg\.wasm|style\.css|icon\.svg|pretrained/faces\.gan)$'
cpu_worker='^worker_cpu(\.js|_bg\.wasm|_loader\.js)$'
cpu_worker_relaxed='^worker_cpu_relaxed(\.js|_bg\.wasm|_loader\.js)$'
files=""
while IFS= read -r path; do
    hash="$(sha256sum "$build/$path" | cut -c1-16)"
    if [[ $path =~ $at_once ]]; then now=true
    elif [[ $path =~ $cpu_worker ]]; then now="'no-relaxed-simd'"
    elif [[ $path =~ $cpu_worker_relaxed ]]; then now="'relaxed-simd'"
    else now=false; fi
    files+="  ['$path', '$hash', $now],"$'\n'
done < <(cd "$build" && find . -type f ! -name sw.js ! -name '*.md' | sed 's|^\./||' | LC_ALL=C sort)
version="$(printf '%s' "$files" | sha256sum | cut -c1-16)"
{
    printf '// Written by scripts/precache.sh for this build.\n'
    printf "const VERSION = '%s';\n" "$version"
    printf 'const FILES = [\n%s];\n\n' "$files"
    cat "$ROOT/app/sw.js"
} > "$build/sw.js"
