#!/usr/bin/env bash
# Installs what the tests need and runs all of them: native (model, app logic), then
# end-to-end in headless Chromium against the Trunk-built page.
source "$(dirname "$0")/tools.sh"
ensure_build_tools
ensure_browser
cd "$ROOT"
started=$SECONDS

say "native tests (model, app logic)"
cargo test --release --workspace

say "building the page"
trunk build --release

say "end-to-end tests in headless Chromium"
(cd tests && npm ci --no-audit --no-fund --silent)
node --test --test-concurrency=1 tests/e2e/

say "all tests passed in $((SECONDS - started)) s"
