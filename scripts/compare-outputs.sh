#!/usr/bin/env bash
# Reruns every shipped scenario, the default comparison, sweeps (of --set
# arguments and of a file's [sweep] table), every game, the two classic
# models and a small exploration, and compares the outputs byte for byte
# with a reference run (manifest.json and the record/lock files aside, which
# hold the command line, times and versions). It also keeps what the input
# layer says: the `airace new` templates and `airace validate`'s (and
# `sweep`'s, `game`'s) messages for the bad scenario fixtures and for a set
# of bad [sweep] and [game] files, which must leave no output behind.
#
#   scripts/compare-outputs.sh ref BIN     write the reference into /tmp/ref19c
#   scripts/compare-outputs.sh new BIN     write into /tmp/new19c and diff
#   scripts/compare-outputs.sh replot-ref BIN   only redo the reference's replots
#
# COMPARE_REF and COMPARE_NEW, if set, name other folders for the two (for
# sessions comparing side by side on one machine).
#
# Figures are drawn (PNG and SVG are compared too). Runs are cut to keep the
# whole script to a few minutes on two cores; the bytes still depend on every
# step formula, writer and figure.
set -uo pipefail
mode=${1:?ref or new}
bin=$(realpath "${2:?path to the airace binary}")
root=$(cd "$(dirname "$0")/.." && pwd)
ref=${COMPARE_REF:-/tmp/ref19c}
new=${COMPARE_NEW:-/tmp/new19c}
case $mode in
  ref) dest=$ref ;;
  new) dest=$new ;;
  replot-ref) dest=$ref ;;
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
# The input layer: a file's [sweep] table, a game without added runs, the
# templates, and the messages for bad input (figures are not drawn).
q=(--threads 2 --quiet --no-plots)
mkdir -p "$dest/msg" "$dest/bad"
"$bin" sweep scenarios/fuzzy-red-lines.toml --runs 300 --out "$dest/sweep-file" "${q[@]}" || echo "FAILED: sweep file"
"$bin" sweep scenarios/race.toml --samples 5 --set world.spillover=0..0.1 --set labs.Upstart.safety_share=0.1,0.3 \
  --runs 200 --out "$dest/sweep" --name mixed "${q[@]}" 2>"$dest/msg/lhs.stderr" && echo "FAILED: a grid key in a hypercube ran"
"$bin" game scenarios/games/pause-or-race.toml --runs 400 --no-adaptive --out "$dest/games-fixed" "${q[@]}" \
  || echo "FAILED: game without added runs"
"$bin" new >"$dest/msg/new.toml"
"$bin" new --game >"$dest/msg/new-game.toml"
"$bin" new --explore >"$dest/msg/new-explore.toml"
"$bin" validate "$dest/msg/new-game.toml" >"$dest/msg/new-game.validate" 2>&1; echo "exit $?" >>"$dest/msg/new-game.validate"
for f in tests/fixtures/bad/*.toml tests/fixtures/too_big.toml; do
  "$bin" validate "$f" >"$dest/msg/$(basename "$f" .toml).validate" 2>&1
  echo "exit $?" >>"$dest/msg/$(basename "$f" .toml).validate"
done
# Bad [sweep] and [game] tables, written from the shipped files.
sweep_base=$(sed -n '/^\[sweep\]/q;p' scenarios/fuzzy-red-lines.toml)
game_base=$(sed -n '/^\[game\]/q;p' scenarios/games/pause-or-race.toml)
strategies='[[game.strategies]]
name = "race"
policy = [{ rule = "race" }]
[[game.strategies]]
name = "pause"
policy = [{ rule = "unilateral_pause", thresholds = [3.0] }]'
w() { printf '%s\n%s\n' "$1" "$2" >"$dest/bad/$3.toml"; }
w "$sweep_base" $'[sweep]\n[[sweep.parameter]]\nkey = "labs.Frontier.evaluation_nosie"\nvalues = [0.0, 1.0]' sweep_key_misspelt
w "$sweep_base" $'[sweep]\n[[sweep.parameter]]\nkey = "world.spillover"\nvalues = [0.0, 1.0]\nrange = [0, 1]' sweep_values_and_range
w "$sweep_base" $'[sweep]\nsamles = 4\n[[sweep.parameter]]\nkey = "world.spillover"\nvalues = [0.0, 1.0]' sweep_unknown_key
w "$sweep_base" $'[sweep]\nsamples = 0\n[[sweep.parameter]]\nkey = "world.spillover"\nrange = [0.0, 0.1]' sweep_samples_zero
w "$sweep_base" $'[sweep]\n[[sweep.parameter]]\nkey = "world.spillover"\nvalues = [0.0, -1.0]' sweep_value_out_of_range
w "$sweep_base" $'[sweep]\n[[sweep.parameter]]\nvalues = [0.0]' sweep_missing_key
w "$sweep_base" $'[sweep]\nparameter = 3' sweep_parameter_not_a_list
w "$game_base" $'[game]\nplayers = 3\npopulaton = 50\nselection = -1\n'"$strategies" game_unknown_and_out_of_range
w "$game_base" $'[game]\nplayers = 0\n'"$strategies" game_players_zero
w "$game_base" $'[game]\nplayers = 3\n[[game.strategies]]\nname = "race"\npolicy = [{ rule = "race" }]' game_one_strategy
w "$game_base" $'[game]\nplayers = 3\n[[game.strategies]]\nname = "race"\npolicy = [{ rule = "rase" }]\n[[game.strategies]]\nname = "race"\npolicy = [{ rule = "race" }]' game_bad_rule_duplicate_name
w "$game_base" $'[game]\nplayers = 3\nstrategies = "race"' game_strategies_not_a_list
w "$game_base" $'[game]\nplayers = 3\nreplicator_grid = 1.5\n'"$strategies" game_grid_float
w "$game_base" $'[game]\nplayers = 3\n[[game.strategies]]\npolicy = [{ rule = "race" }]\n[[game.strategies]]\nname = "b"' game_missing_fields
for f in "$dest"/bad/*.toml; do
  b=$(basename "$f" .toml)
  "$bin" validate "$f" 2>&1 | sed "s#$dest#DEST#g" >"$dest/msg/$b.validate"; echo "exit ${PIPESTATUS[0]}" >>"$dest/msg/$b.validate"
  case $b in
    sweep_*) "$bin" sweep "$f" --runs 10 --out "$dest/nothing" "${q[@]}" 2>&1 | sed "s#$dest#DEST#g" >"$dest/msg/$b.sweep" ;;
    game_*) "$bin" game "$f" --runs 10 --out "$dest/nothing" "${q[@]}" 2>&1 | sed "s#$dest#DEST#g" >"$dest/msg/$b.game" ;;
  esac
done
"$bin" sweep scenarios/race.toml --set labs.upstart.safety_sahre=0,0.1 --runs 10 --out "$dest/nothing" "${q[@]}" \
  >"$dest/msg/set_misspelt.sweep" 2>&1
"$bin" sweep scenarios/race.toml --set world.spillover=0,-1 --runs 10 --out "$dest/nothing" "${q[@]}" \
  >"$dest/msg/set_out_of_range.sweep" 2>&1
[ -e "$dest/nothing" ] && echo "PARTIAL OUTPUT written for a bad file"
if [ "$mode" = new ]; then
  diff -r -q -x manifest.json -x '*.lock' -x '.airace*' -x record.json "$ref" "$new" \
    && echo "IDENTICAL: every file but manifests"
fi
