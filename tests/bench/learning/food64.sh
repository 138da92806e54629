#!/usr/bin/env bash
# The 131 food and drink emoji at 64×64 with their alpha, as public/datasets/food was made from
# them (that set is already 32×32, so a resize filter cannot act on it): from the npm package
# emoji-datasource-twitter 16.0.0 (Twemoji, CC BY 4.0; see public/datasets/README.md), named
# by short name. The learning benchmark's filter comparison trains on the first 20 (SUBSET=20).
#
#   tests/bench/learning/food64.sh [OUT=target/food64]
set -euo pipefail
cd "$(dirname "$0")/../../.."
OUT=${1:-target/food64}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent emoji-datasource-twitter@16.0.0 >/dev/null && tar xzf emoji-datasource-twitter-16.0.0.tgz)
rm -rf "$OUT" && mkdir -p "$OUT"
python3 - "$work/package" "$OUT" <<'PY'
import json, shutil, sys
package, out = sys.argv[1:]
food = [e for e in json.load(open(f"{package}/emoji.json"))
        if e.get("category") == "Food & Drink" and e.get("has_img_twitter")]
for e in food:
    shutil.copy(f"{package}/img/twitter/64/{e['image']}", f"{out}/{e['short_name']}.png")
print(f"{len(food)} images in {out}")
PY
