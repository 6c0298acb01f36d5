#!/usr/bin/env bash
# Regenerates the gallery of figures, docs/figures.md and docs/figures/*.png:
# one of each kind of figure airace draws, at a journal column's width
# (3.5 x 2.6 in, 120 dpi), from the shipped scenarios, games, classic models
# and exploration. tests/figure_layout.rs checks that every kind of figure
# airace draws has its place here.
#
#   scripts/gallery.sh            build the release binary and run it
#   AIRACE=path/to/airace scripts/gallery.sh   use that binary instead
#
# Runs are cut to keep the script to a few minutes on two cores: the
# gallery shows what the figures look like, not results to quote.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ -z "${AIRACE:-}" ]; then
  cargo build --release --quiet
  AIRACE=$root/target/release/airace
fi
bin=$(realpath "$AIRACE")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
size=(--width 3.5 --height 2.6 --dpi 120 --format png -q)

"$bin" run scenarios/rsp-2026.toml --runs 2000 --no-run-rows "${size[@]}" --out "$work/scenario"
"$bin" run scenarios/race.toml scenarios/pause-2023.toml scenarios/rsp-2026.toml \
  scenarios/lone-pause.toml scenarios/lone-2026.toml \
  --runs 2000 --no-run-rows --name comparison "${size[@]}" --out "$work/comparison"
# A comparison in which the final capability varies (regulation stops
# short of the decisive capability), so its capability view is drawn too.
"$bin" run scenarios/rsp-2026.toml scenarios/regulation.toml \
  --runs 1000 --no-run-rows --name comparison-capability "${size[@]}" --out "$work/comparison-capability"
"$bin" sweep scenarios/rsp-2026.toml --runs 500 --set world.spillover=0,0.02,0.05,0.1 \
  "${size[@]}" --out "$work/sweep-line"
"$bin" sweep scenarios/rsp-2026.toml --runs 200 --set world.spillover=0,0.05,0.1 \
  --set world.hazard.gap_slope=0.2,0.4,0.6 "${size[@]}" --out "$work/sweep-heatmap"
"$bin" game scenarios/games/conditional-pause-game.toml --runs 20 --no-adaptive "${size[@]}" --out "$work/game3"
"$bin" game scenarios/games/pause-or-race.toml --runs 500 "${size[@]}" --out "$work/game"
"$bin" game scenarios/games/pause-or-race-seats.toml --runs 200 "${size[@]}" --out "$work/seats"
"$bin" classic dsair --runs 200 "${size[@]}" --out "$work/dsair"
# Its two rows of panels keep the default height (4 in at this width): at
# 2.6 in each panel would be 0.3 in tall.
"$bin" classic precipice --draws 2000 --evaluation-draws 2000 --grid 30 \
  --width 3.5 --dpi 120 --format png -q --out "$work/precipice"
"$bin" explore scenarios/explore/headline-claims.toml --runs 10 "${size[@]}" --out "$work/explore"
"$bin" new --explore | sed 's/worlds = 64/worlds = 32/' > "$work/lhs.toml"
"$bin" explore "$work/lhs.toml" --runs 50 "${size[@]}" --out "$work/explore-lhs"

out=docs/figures
mkdir -p "$out"
# Only the gallery's own files are replaced.
rm -f "$out"/*.png
page=docs/figures.md
{
  echo "# Gallery: the figures airace draws"
  echo
  echo "One of each kind, at a journal column's width (3.5 x 2.6 in; PNG at"
  echo "120 dpi here, \`--format svg,png,pdf\` for vector files), from the"
  echo "shipped scenarios, games and classic models with few runs: they show"
  echo "what each figure looks like, not numbers to quote. Regenerate with"
  echo "\`scripts/gallery.sh\`. The precipice figure keeps its default height"
  echo "(3.5 x 4 in): its two rows of panels need it."
  echo
} > "$page"
# Every output folder holds airace's record, which names its kind.
for top in scenario comparison comparison-capability sweep-line sweep-heatmap game3 game seats dsair precipice explore explore-lhs; do
find "$work/$top" -name .airace-record.json | sort | while read -r record; do
  dir=$(dirname "$record")
  kind=$(sed -n 's/.*"kind": *"\([a-z_]*\)".*/\1/p' "$record" | head -1)
  [ -d "$dir/figures" ] || continue
  for png in "$dir"/figures/*.png; do
    stem=$(basename "$png" .png)
    # An exploration's figures are named by outcome or number: one of each.
    case "$kind:$stem" in
      exploration:*-policies | exploration:policies-*) key=policies ;;
      exploration:*-sensitivity | exploration:sensitivity-*) key=sensitivity ;;
      exploration:*-discovery | exploration:discovery-*) key=discovery ;;
      *) key=$stem ;;
    esac
    name="$kind-$key"
    [ -e "$out/$name.png" ] && continue
    cp "$png" "$out/$name.png"
    {
      echo "## $kind: $key"
      echo
      echo "![$kind figure $stem]($(basename "$out")/$name.png)"
      echo
    } >> "$page"
  done
done
done
echo "gallery: $(ls "$out"/*.png | wc -l) figures in $out, listed in $page"
