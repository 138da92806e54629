#!/usr/bin/env bash
# Builds the page for the web: a dist/ of static files that works at a site's root or under
# any sub-path (every URL is relative), with no development code in it.
source "$(dirname "$0")/tools.sh"
ensure_build_tools
cd "$ROOT"
say "building the page into dist/ (first build: several minutes)"
trunk build --release
say "dist/ is ready: copy it to any static web host"
