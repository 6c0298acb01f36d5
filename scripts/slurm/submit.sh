#!/usr/bin/env bash
# Submits a sharded airace study to Slurm in one command: a job array of N
# shards (scripts/slurm/shard.sbatch), then the merge (merge.sbatch), which
# starts only once every shard has succeeded (--dependency=afterok) and is
# cancelled if one fails (--kill-on-invalid-dep=yes).
#
# Usage:
#   scripts/slurm/submit.sh [OPTIONS] N SHARDS OUT [ARGS...]          # airace run ARGS
#   scripts/slurm/submit.sh [OPTIONS] N SHARDS OUT sweep [ARGS...]    # airace sweep ARGS
#   scripts/slurm/submit.sh [OPTIONS] N SHARDS OUT explore [ARGS...]  # airace explore ARGS
#
#   N       number of shards (for a run at most the runs' 1024-run blocks,
#           for a sweep at most its points; airace refuses more)
#   SHARDS  folder for the shards, shared by all nodes; use a fresh one
#           per study
#   OUT     folder for the merged results (OUT/<scenario>/, as `airace run
#           --out OUT` would write)
#   ARGS    what `airace run` takes: scenario files and --runs, --seed,
#           --no-run-rows, ... (none = the built-in default comparison); or
#           `sweep SCENARIO.toml --set KEY=V1,V2 ...`. Not --shard, --out,
#           --threads or --quiet: the job scripts set them.
#
# Options (before N):
#   --dry-run      print the commands (a script you could paste), submit nothing
#   --cpus C       CPUs per shard, used as airace threads (default: 1, from
#                  shard.sbatch)
#   --time T       time limit per shard, e.g. 00:30:00 (default: shard.sbatch's)
#   --only LIST    submit only these shards, e.g. 7,12 or 3-5, keeping the
#                  numbering of N (to rerun failed shards; then the merge)
#   --sbatch OPT   pass OPT to sbatch for both jobs, e.g. --sbatch
#                  --partition=short --sbatch --account=myproject (repeatable)
#   --merge OPT    pass OPT to `airace merge`, e.g. --merge --force (repeatable)
#   --no-merge     submit the shards only
#
# Environment: AIRACE, the airace binary (default: `airace` on PATH; made an
# absolute path here); LOGS, the folder for the jobs' logs (default:
# slurm-logs). Paths are made absolute, so the jobs do not depend on their
# working directory, except for scenario files in ARGS, which are read
# relative to the folder this is run from (Slurm's default working
# directory for the jobs).
#
# Example, 10^7 runs of each scenario of the default comparison in 20 shards:
#   AIRACE=$PWD/target/release/airace scripts/slurm/submit.sh 20 shards output \
#       --runs 10000000 --no-run-rows
#
# Exit codes: 0 submitted (or printed), 2 bad input (the message says what to
# fix), 1 sbatch failed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../shards-common.sh"

fail() {
  echo "error: submit.sh: $*" >&2
  echo "       (scripts/slurm/submit.sh --help for usage)" >&2
  exit 2
}

absolute() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$PWD" "${1#./}" ;;
  esac
}


cpus=''
time_limit=''
sbatch_extra=()
# The options only this script takes, from parse_options.
own_option() {
  case $1 in
    --cpus) cpus=$2 ;;
    --time) time_limit=$2 ;;
    --sbatch) sbatch_extra+=("$2") ;;
  esac
}
parse_options '--cpus --time --sbatch' "$@"
set -- ${args[@]+"${args[@]}"}

[[ $# -ge 3 ]] || fail "expected N SHARDS OUT [ARGS...]"
n=$1 shards=$2 out=$3
shift 3

positive N "$n"
[[ -z $cpus ]] || positive --cpus "$cpus"
[[ -n $shards && -n $out ]] || fail "SHARDS and OUT must not be empty"
only_shards "$only" "$n" >/dev/null
array=${only:-1-$n}

logs=$(absolute "${LOGS:-slurm-logs}")
shards=$(absolute "$shards")
out=$(absolute "$out")

airace=${AIRACE:-airace}
if [[ $airace == */* ]]; then
  airace=$(absolute "$airace")
  found=0
  [[ -x $airace ]] && found=1
else
  found=0
  if resolved=$(command -v "$airace" 2>/dev/null) && [[ $resolved == /* ]]; then
    airace=$resolved
    found=1
  fi
fi
if [[ $found == 0 ]]; then
  message="airace binary '$airace' not found: set AIRACE=/path/to/airace (cargo build --release puts it in target/release/airace)"
  if [[ $dry_run == 1 ]]; then
    echo "warning: submit.sh: $message" >&2
  else
    fail "$message"
  fi
fi

# --export takes a comma-separated list, so these values cannot hold commas.
for value in "$airace" "$shards" "$out"; do
  [[ $value != *,* ]] || fail "'$value' contains a comma, which sbatch --export cannot pass: use another path"
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

shard_job=(sbatch --parsable --job-name=airace-shard --array="$array"
  --output="$logs/shard-%A_%a.log"
  --export="ALL,AIRACE=$airace,SHARDS=$shards,AIRACE_SHARDS=$n")
[[ -n $cpus ]] && shard_job+=(--cpus-per-task="$cpus")
[[ -n $time_limit ]] && shard_job+=(--time="$time_limit")
shard_job+=(${sbatch_extra[@]+"${sbatch_extra[@]}"} "$here/shard.sbatch" "$@")

# The dependency is put in front when the array's job id is known.
merge_job=(--kill-on-invalid-dep=yes --job-name=airace-merge
  --output="$logs/merge-%j.log"
  --export="ALL,AIRACE=$airace,SHARDS=$shards,OUT=$out"
  ${sbatch_extra[@]+"${sbatch_extra[@]}"} "$here/merge.sbatch"
  ${merge_extra[@]+"${merge_extra[@]}"})

if [[ $dry_run == 1 ]]; then
  quoted mkdir -p "$logs"
  if [[ $merge == 1 ]]; then
    echo "ARRAY_JOB_ID=\$($(quoted "${shard_job[@]}"))"
    echo "sbatch --parsable --dependency=afterok:\"\${ARRAY_JOB_ID%%;*}\" $(quoted "${merge_job[@]}")"
  else
    quoted "${shard_job[@]}"
  fi
  exit 0
fi

command -v sbatch >/dev/null 2>&1 || fail "sbatch not found: run this on a Slurm login node (or use --dry-run)"
mkdir -p "$logs"

submitted=$("${shard_job[@]}") || { echo "error: submit.sh: sbatch refused the shard array" >&2; exit 1; }
array_id=${submitted%%;*}
[[ $array_id =~ ^[0-9]+$ ]] || { echo "error: submit.sh: unexpected sbatch output '$submitted'" >&2; exit 1; }
echo "shards: job array $array_id (tasks $array of $n) -> $shards"

if [[ $merge == 1 ]]; then
  submitted=$(sbatch --parsable --dependency="afterok:$array_id" "${merge_job[@]}") || {
    echo "error: submit.sh: sbatch refused the merge job; the shards are submitted (job $array_id): submit scripts/slurm/merge.sbatch by hand once they are done" >&2
    exit 1
  }
  merge_id=${submitted%%;*}
  echo "merge:  job $merge_id, after all of $array_id succeed -> $out"
fi
echo "logs:   $logs/"
echo "watch:  squeue -u \"\$USER\"   then: sacct -j $array_id --format=JobID,State,Elapsed,MaxRSS,ExitCode"
echo "        (without accounting: scontrol show job $array_id, and the logs)"
