#!/usr/bin/env bash
# Runs a sharded airace study without a cluster: all N shards on this
# machine, several at a time (xargs -P), then `airace merge`. The results
# are the same bytes as one `airace run` (or `airace sweep`) would write.
#
# Usage:
#   scripts/shards-local.sh [OPTIONS] N SHARDS OUT [ARGS...]          # airace run ARGS
#   scripts/shards-local.sh [OPTIONS] N SHARDS OUT sweep [ARGS...]    # airace sweep ARGS
#
#   N, SHARDS, OUT, ARGS as for scripts/slurm/submit.sh: the number of
#   shards, the folder for them, the folder for the merged results, and
#   what `airace run` (or `airace sweep`) takes, without --shard, --out,
#   --threads and --quiet.
#
# Options (before N):
#   --jobs J      shards run at once (default: CPU cores / threads)
#   --threads T   airace threads per shard (default: 1)
#   --only LIST   run only these shards, e.g. "7,12" (to rerun failed ones)
#   --merge OPT   pass OPT to `airace merge`, e.g. --merge --force (repeatable)
#   --no-merge    run the shards only
#   --dry-run     print the commands, run nothing
#
# Environment: AIRACE, the airace binary (default: `airace` on PATH).
#
# Example: the single-machine result, checked against a sharded one
#   airace run scenarios/race.toml --runs 20000 --out one
#   scripts/shards-local.sh 4 shards-test merged scenarios/race.toml --runs 20000
#   diff -r -x manifest.json one/race merged/race && echo identical
#
# Several workstations sharing a filesystem (the same paths on every
# machine, airace and GNU parallel installed on each, ssh without a
# password): GNU parallel's --sshlogin spreads the same shard commands over
# them, then one merge. `8/ws1` runs 8 shards at once on ws1, `:` is this
# machine; --joblog records each shard's exit code, and the same command
# with --resume-failed added reruns only the shards that failed:
#
#   parallel --sshlogin 8/ws1,8/ws2,4/: --workdir "$PWD" --joblog shards.joblog -q \
#       /shared/bin/airace run scenarios/rsp-2026.toml --runs 10000000 --no-run-rows \
#       --shard {}/20 --out shards --threads 1 --quiet ::: $(seq 1 20)
#   /shared/bin/airace merge shards --out output
#
# Exit codes: 0 done, 2 bad input, 1 a shard or the merge failed (their
# messages above say why), 130 interrupted (finished shards are kept; rerun
# the others with --only).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/shards-common.sh"

fail() {
  echo "error: shards-local.sh: $*" >&2
  exit 2
}


cores() {
  nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1
}

jobs=''
threads=1
# The options only this script takes, from parse_options.
own_option() {
  case $1 in
    --jobs) jobs=$2 ;;
    --threads) threads=$2 ;;
  esac
}
parse_options '--jobs --threads' "$@"
set -- ${args[@]+"${args[@]}"}

[[ $# -ge 3 ]] || fail "expected N SHARDS OUT [ARGS...] (--help for usage)"
n=$1 shards=$2 out=$3
shift 3

command=run
if [[ $# -gt 0 && ($1 == run || $1 == sweep) ]]; then
  command=$1
  shift
fi

positive N "$n"
positive --threads "$threads"
if [[ -z $jobs ]]; then
  jobs=$(($(cores) / threads))
  ((jobs >= 1)) || jobs=1
fi
positive --jobs "$jobs"
list=$(only_shards "$only" "$n")
read -ra shard_list <<<"$list"

airace=${AIRACE:-airace}
if [[ $dry_run == 0 ]] && ! command -v "$airace" >/dev/null 2>&1; then
  fail "airace binary '$airace' not found: set AIRACE=/path/to/airace (cargo build --release puts it in target/release/airace)"
fi

# A shard's command is: ${shard_head[@]} K/N ${shard_tail[@]}
shard_head=("$airace" "$command" "$@" --shard)
shard_tail=(--out "$shards" --threads "$threads" --quiet)
merge_command=("$airace" merge "$shards" --out "$out" --quiet
  ${merge_extra[@]+"${merge_extra[@]}"})

if [[ $dry_run == 1 ]]; then
  for k in "${shard_list[@]}"; do
    quoted "${shard_head[@]}" "$k/$n" "${shard_tail[@]}"
  done
  if [[ $merge == 1 ]]; then quoted "${merge_command[@]}"; fi
  exit 0
fi

trap 'echo "shards-local.sh: interrupted; finished shards are kept, rerun the others with --only" >&2; exit 130' INT TERM

echo "running ${#shard_list[@]} shard(s) of $n, $jobs at a time, $threads thread(s) each, into $shards" >&2
# xargs -t echoes each shard's command as it starts; -I puts the shard
# number into the {} of --shard {}/N.
if ! printf '%s\n' "${shard_list[@]}" | xargs -t -P "$jobs" -I{} "${shard_head[@]}" "{}/$n" "${shard_tail[@]}"; then
  echo "error: shards-local.sh: at least one shard failed (its message is above); fix the cause and rerun it with --only K,..." >&2
  exit 1
fi

if [[ $merge == 1 ]]; then
  echo "merging $shards into $out" >&2
  "${merge_command[@]}" || { echo "error: shards-local.sh: the merge failed (its message is above)" >&2; exit 1; }
  echo "done: results in $out/" >&2
fi
