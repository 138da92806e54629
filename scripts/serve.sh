#!/usr/bin/env bash
# Builds the page (release) and serves it on http://127.0.0.1:8080 (or PORT). It builds into
# target/serve, never into dist/, and without Trunk's live-reload client: what it serves is
# what scripts/build.sh deploys.
source "$(dirname "$0")/tools.sh"
ensure_build_tools
cd "$ROOT"
say "building and serving the page (first build: several minutes)"
exec trunk serve --release --no-autoreload --dist target/serve --port "${PORT:-8080}"
