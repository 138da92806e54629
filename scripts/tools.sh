# Sourced by serve.sh and test.sh: installs what the page's build needs, skipping what is there.
# Tools that are not Rust crates go under .tools/ in the repository (ignored by git).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
TRUNK_VERSION=0.21.14        # trunk 0.22 needs a newer rustc than these machines have
BINARYEN_VERSION=132.0.0     # Debian's wasm-opt 108 breaks the externref table
export PATH="$HOME/.cargo/bin:$TOOLS/node_modules/.bin:$PATH"

# Each stage's line carries the wall time since the script started (bash's SECONDS), so the
# command's own output gives the time of every stage (the README's figures come from it).
say() { printf '\033[1m==> [%d:%02d] %s\033[0m\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*" >&2; }

# The wasm-bindgen version that Cargo.lock resolved: the CLI must match it exactly.
wasm_bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# `cargo install` for a build tool, compiled for build time rather than speed: trunk's own
# profile (fat LTO, one codegen unit) takes 11 minutes on 2 cores. What the tools do is small
# beside the build, so most of their code is left unoptimised; the exceptions are the code that
# reads every byte of the page's 50 MB of WebAssembly (measured, twice each: the same `dist/`;
# trunk's no-change build of the page 13.7 and 14.1 s against 13.4 and 13.8 s at opt-level 1;
# wasm-bindgen on the 35 MB WebGPU worker 7.0 and 7.7 s against 6.1 and 7.3 s, 20–22 s if all
# of it is unoptimised).
cargo_install_tool() {
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        CARGO_PROFILE_RELEASE_OPT_LEVEL=0 cargo install "$@"
}
# `optimise N PACKAGE…`: the arguments to `cargo install` that build each PACKAGE at opt-level N.
optimise() {
    local level=$1
    shift
    for package in "$@"; do printf -- "--config\nprofile.release.package.%s.opt-level=%s\n" "$package" "$level"; done
}

ensure_build_tools() {
    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        say "adding the wasm32-unknown-unknown target"
        rustup target add wasm32-unknown-unknown
    fi
    if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
        say "installing trunk $TRUNK_VERSION (about 4 minutes on 2 cores)"
        # Without TLS and the update check: the build is offline (Trunk.toml), and the page is
        # served over plain HTTP on localhost. sha2 hashes every file for its integrity attribute.
        mapfile -t overrides < <(optimise 3 sha2)
        cargo_install_tool "trunk@$TRUNK_VERSION" --locked --no-default-features "${overrides[@]}"
    fi
    local wbg
    wbg="$(wasm_bindgen_version)"
    if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wbg" ]; then
        say "installing wasm-bindgen-cli $wbg (about 2 minutes)"
        # What parses, rewrites and writes the modules stays optimised. Without TLS: the test
        # runner talks to ChromeDriver over plain HTTP on localhost.
        mapfile -t overrides < <(optimise 1 wasmparser walrus wasm-encoder wasm-bindgen-cli-support \
            wasm-bindgen-wasm-interpreter wasm-bindgen-externref-xform wasm-bindgen-wasm-conventions \
            hashbrown indexmap leb128fmt id-arena gimli)
        # Without --locked: with it, resolution fails on webpki-roots here.
        cargo_install_tool "wasm-bindgen-cli@$wbg" --no-default-features "${overrides[@]}"
    fi
    if [ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ]; then
        say "installing binaryen $BINARYEN_VERSION (wasm-opt) under .tools/"
        command -v npm >/dev/null || { echo "npm is needed for binaryen: apt-get install -y npm" >&2; exit 1; }
        npm install --prefix "$TOOLS" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
    fi
    say "fetching crates (Trunk builds offline)"
    (cd "$ROOT" && cargo fetch --quiet)
}

ensure_browser() {
    if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
        || ! command -v firefox-esr >/dev/null; then
        say "installing Chromium, ChromeDriver and Firefox ESR (Debian packages)"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver \
            firefox-esr >/dev/null
    fi
}

# The page's wasm flags (.cargo/config.toml) without --strip-all, in a target folder of its own
# so the page's build is not invalidated: for the scripts that need function names
# (wasm-sizes.sh, wasm-profile.sh).
use_named_wasm_build() {
    export RUSTFLAGS='-C target-feature=+simd128 --cfg=web_sys_unstable_apis --cfg getrandom_backend="wasm_js"'
    export CARGO_TARGET_DIR="$ROOT/target/sizes"
}
