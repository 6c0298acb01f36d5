#!/usr/bin/env bash
# Throughput and peak memory of `airace run` as the number of runs grows,
# for the README's performance section.
#
# Usage: scripts/scaling.sh [SCENARIO] [MAX_EXPONENT] [extra airace run options...]
#   SCENARIO       default scenarios/rsp-2026.toml
#   MAX_EXPONENT   largest run count is 10^MAX_EXPONENT (default 7)
# Environment: AIRACE (default target/release/airace); REPEAT, runs of each
# size (default 1): the fastest is reported, and the largest peak memory.
#
# Prints, for 10^3 .. 10^MAX runs: wall seconds, nominal lab-steps per
# second (runs x steps x labs / wall time, start-up and writing included)
# and peak resident memory (GNU time's %e and %M), with --no-run-rows and
# --no-plots so that only the engine and the aggregate files count.
set -euo pipefail

scenario=${1:-scenarios/rsp-2026.toml}
max=${2:-7}
shift $(($# < 2 ? $# : 2))
airace=${AIRACE:-target/release/airace}
[[ -x $airace ]] || { echo "error: $airace not found: cargo build --release, or set AIRACE" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "error: /usr/bin/time not found (Debian package: time)" >&2; exit 2; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
read -r steps labs < <("$airace" validate "$scenario" | sed -E 's/.*\(([0-9]+) labs, [0-9]+ runs of ([0-9]+) steps.*/\2 \1/')

printf '%-10s %9s %16s %12s\n' runs seconds "lab-steps/s" "peak RSS"
for ((e = 3; e <= max; e++)); do
  runs=$((10 ** e))
  secs='' rss=0
  for ((i = 0; i < ${REPEAT:-1}; i++)); do
    /usr/bin/time -f '%e %M' -o "$out/time" "$airace" run "$scenario" --runs "$runs" --no-run-rows \
      --no-plots --quiet --out "$out/run" --force "$@"
    read -r s m < <(tail -n 1 "$out/time")
    secs=$(awk -v a="$secs" -v b="$s" 'BEGIN { print (a == "" || b < a) ? b : a }')
    rss=$((m > rss ? m : rss))
  done
  awk -v r="$runs" -v s="$secs" -v k="$rss" -v st="$steps" -v l="$labs" \
    'BEGIN { printf "%-10d %9.2f %14.1fM %10.1fMB\n", r, s, r * st * l / (s > 0 ? s : 0.01) / 1e6, k / 1024 }'
done
