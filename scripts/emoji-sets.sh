#!/usr/bin/env bash
# The emoji sets the showcase generators learn from, as 64×64 Twemoji PNGs with their alpha,
# named by short name: from the npm package emoji-datasource-twitter 16.0.0 (Twemoji,
# CC BY 4.0; see public/datasets/README.md).
#
#   OUT/faces/  the 118 faces (Unicode's "Smileys & Emotion" subcategories face-*)
#   OUT/emoji/  the 1 412 drawings of every category but flags, symbols and components
#               (faces, people and body, animals and nature, food and drink, travel and
#               places, activities, objects), without the skin-tone recolourings
#   OUT/food/   the 131 food and drink emoji, what public/datasets/food was made from (that set
#               is already 32×32, so a resize filter cannot act on it; the learning benchmark's
#               filter comparison trains on the first 20 of these, SUBSET=20)
#
#   scripts/emoji-sets.sh [OUT=target/emoji64]
#
# gan-train trains on these folders directly (it composites on white and resizes as the page
# does); `gan-train --data OUT/emoji --export-sheet public/datasets/emoji.png` makes the page's
# built-in sheet.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-target/emoji64}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent emoji-datasource-twitter@16.0.0 >/dev/null && tar xzf emoji-datasource-twitter-16.0.0.tgz)
rm -rf "$OUT" && mkdir -p "$OUT/faces" "$OUT/emoji" "$OUT/food"
python3 - "$work/package" "$OUT" <<'PY'
import json, shutil, sys
package, out = sys.argv[1:]
left_out = {"Flags", "Symbols", "Component"}
drawn = [e for e in json.load(open(f"{package}/emoji.json")) if e.get("has_img_twitter")]
faces = [e for e in drawn
         if e["category"] == "Smileys & Emotion" and e["subcategory"].startswith("face-")]
emoji = [e for e in drawn if e["category"] not in left_out]
food = [e for e in drawn if e["category"] == "Food & Drink"]
for folder, chosen in (("faces", faces), ("emoji", emoji), ("food", food)):
    for e in chosen:
        shutil.copy(f"{package}/img/twitter/64/{e['image']}", f"{out}/{folder}/{e['short_name']}.png")
    print(f"{len(chosen)} images in {out}/{folder}")
PY
