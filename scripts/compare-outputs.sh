#!/usr/bin/env bash
# Reruns every shipped scenario, the default comparison, a sweep, every game,
# the two classic models and a small exploration, and compares the outputs
# byte for byte with a reference run (manifest.json and the record/lock files
# aside, which hold the command line, times and versions).
#
#   scripts/compare-outputs.sh ref BIN     write the reference into /tmp/ref19c
#   scripts/compare-outputs.sh new BIN     write into /tmp/new19c and diff
#   scripts/compare-outputs.sh replot-ref BIN   only redo the reference's replots
#
# Figures are drawn (PNG and SVG are compared too). Runs are cut to keep the
# whole script to a few minutes on two cores; the bytes still depend on every
# step formula, writer and figure.
set -uo pipefail
mode=${1:?ref or new}
bin=$(realpath "${2:?path to the airace binary}")
root=$(cd "$(dirname "$0")/.." && pwd)
case $mode in
  ref) dest=/tmp/ref19c ;;
  new) dest=/tmp/new19c ;;
  replot-ref) dest=/tmp/ref19c ;;
  *) echo "mode is ref, new or replot-ref" >&2; exit 2 ;;
esac
if [ "$mode" = replot-ref ]; then
  replot_only=1
else
  replot_only=0
  rm -rf "$dest"; mkdir -p "$dest"
fi
t=(--threads 2 --quiet)
cd "$root"
# Redraw one folder of each kind from its files (airace plot) into a copy
# under the same folder name (titles name what was run, not the folder;
# tests/plot_titles.rs checks a renamed copy).
replot() {
  rm -rf "$dest/replot"; mkdir -p "$dest/replot"
  cp -r "$dest/default/output" "$dest/replot/default"   # a comparison reads its scenarios' folders
  "$bin" plot "$dest/replot/default/default-comparison" --width 5 >/dev/null || echo "FAILED: plot comparison"
  for d in scenarios/rsp-2026 sweep/race-sweep games/pause-or-race classic/dsair classic/precipice; do
    [ -d "$dest/$d" ] || { echo "MISSING: $d"; continue; }
    mkdir -p "$dest/replot/$(dirname "$d")"
    cp -r "$dest/$d" "$dest/replot/$d"
    "$bin" plot "$dest/replot/$d" --width 5 >/dev/null || echo "FAILED: plot $d"
  done
}
if [ "$replot_only" = 1 ]; then replot; exit 0; fi
for s in scenarios/*.toml; do
  "$bin" run "$s" --runs 2000 --out "$dest/scenarios" "${t[@]}" || echo "FAILED: run $s"
done
( cd "$dest" && "$bin" --help >/dev/null; mkdir -p default && cd default && "$bin" run --runs 2000 "${t[@]}" ) \
  || echo "FAILED: default comparison"
"$bin" sweep scenarios/race.toml --set world.spillover=0,0.05,0.1 --set labs.Upstart.safety_share=0.1,0.3 \
  --runs 500 --out "$dest/sweep" "${t[@]}" || echo "FAILED: grid sweep"
"$bin" sweep scenarios/race.toml --samples 6 --set world.spillover=0..0.1 --runs 300 --keep-points \
  --out "$dest/sweep" --name lhs "${t[@]}" || echo "FAILED: lhs sweep"
for g in scenarios/games/*.toml; do
  "$bin" game "$g" --runs 300 --out "$dest/games" "${t[@]}" || echo "FAILED: game $g"
done
"$bin" classic dsair --runs 50 --speed-step 0.5 --risk-step 0.1 --out "$dest/classic" "${t[@]}" || echo "FAILED: dsair"
"$bin" classic precipice --teams 2,3 --mu 0.5,1 --draws 2000 --evaluation-draws 20000 --grid 50 --bins 10 \
  --out "$dest/classic" "${t[@]}" || echo "FAILED: precipice"
"$bin" explore scenarios/explore/headline-claims.toml --runs 20 --out "$dest/explore" "${t[@]}" \
  || echo "FAILED: explore"
replot
if [ "$mode" = new ]; then
  diff -r -q -x manifest.json -x '*.lock' -x '.airace*' -x record.json /tmp/ref19c /tmp/new19c \
    && echo "IDENTICAL: every file but manifests"
fi
