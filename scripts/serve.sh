#!/usr/bin/env bash
# Builds the page (release) and serves it on http://127.0.0.1:8080 (or PORT).
source "$(dirname "$0")/tools.sh"
ensure_build_tools
cd "$ROOT"
say "building and serving the page (first build: several minutes)"
exec trunk serve --release --port "${PORT:-8080}"
