#!/usr/bin/env bash
# Reference outputs for the input layer (one TOML reader) and the game's
# engine fold: every shipped scenario alone, the shipped [sweep] file, every
# game, the `airace new` templates and `airace validate`'s messages for the
# bad scenario fixtures and for a set of bad [sweep] and [game] files.
#
#   scripts/compare-outputs-19d.sh ref BIN   write the reference into /tmp/ref19d
#   scripts/compare-outputs-19d.sh new BIN   write into /tmp/new19d and diff
#
# Figures are not drawn (--no-plots) and runs are cut, to keep it to a minute
# or two on a loaded machine; manifest.json (command line, times) is not compared.
set -uo pipefail
mode=${1:?ref or new}
bin=$(realpath "${2:?path to the airace binary}")
root=$(cd "$(dirname "$0")/.." && pwd)
case $mode in
  ref) dest=/tmp/ref19d ;;
  new) dest=/tmp/new19d ;;
  *) echo "mode is ref or new" >&2; exit 2 ;;
esac
rm -rf "$dest"; mkdir -p "$dest/msg" "$dest/bad"
t=(--threads 2 --quiet --no-plots)
cd "$root"
for s in scenarios/*.toml; do
  "$bin" run "$s" --runs 1500 --out "$dest/scenarios" "${t[@]}" || echo "FAILED: run $s"
done
"$bin" sweep scenarios/fuzzy-red-lines.toml --runs 300 --out "$dest/sweep" "${t[@]}" || echo "FAILED: sweep file"
"$bin" sweep scenarios/race.toml --samples 5 --set world.spillover=0..0.1 --set labs.Upstart.safety_share=0.1..0.3 \
  --runs 200 --out "$dest/sweep" --name lhs "${t[@]}" || echo "FAILED: lhs sweep"
"$bin" sweep scenarios/race.toml --samples 5 --set world.spillover=0..0.1 --set labs.Upstart.safety_share=0.1,0.3 \
  --runs 200 --out "$dest/sweep" --name mixed "${t[@]}" 2>"$dest/msg/lhs.stderr" && echo "FAILED: a grid key in a hypercube ran"
for g in scenarios/games/*.toml; do
  "$bin" game "$g" --runs 300 --out "$dest/games" "${t[@]}" || echo "FAILED: game $g"
done
"$bin" game scenarios/games/pause-or-race.toml --runs 400 --no-adaptive --out "$dest/games-fixed" "${t[@]}" \
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
    sweep_*) "$bin" sweep "$f" --runs 10 --out "$dest/nothing" "${t[@]}" 2>&1 | sed "s#$dest#DEST#g" >"$dest/msg/$b.sweep" ;;
    game_*) "$bin" game "$f" --runs 10 --out "$dest/nothing" "${t[@]}" 2>&1 | sed "s#$dest#DEST#g" >"$dest/msg/$b.game" ;;
  esac
done
"$bin" sweep scenarios/race.toml --set labs.upstart.safety_sahre=0,0.1 --runs 10 --out "$dest/nothing" "${t[@]}" \
  >"$dest/msg/set_misspelt.sweep" 2>&1
"$bin" sweep scenarios/race.toml --set world.spillover=0,-1 --runs 10 --out "$dest/nothing" "${t[@]}" \
  >"$dest/msg/set_out_of_range.sweep" 2>&1
[ -e "$dest/nothing" ] && echo "PARTIAL OUTPUT written for a bad file"
if [ "$mode" = new ]; then
  diff -r -x manifest.json -x '*.lock' -x '.airace*' -x record.json /tmp/ref19d /tmp/new19d \
    && echo "IDENTICAL: every file but manifests"
fi
