#!/usr/bin/env bash
# Tests scripts/slurm/ on a real Slurm: starts a throwaway single-node
# cluster (munged, slurmctld, slurmd) in a temporary folder, submits small
# sharded studies with submit.sh, waits for them and checks the results
# against a direct `airace run`. Prints PASS or FAIL (with what failed and
# the diff), and always stops the daemons it started and deletes the
# folder, whatever happens.
#
# Usage:
#   AIRACE=$PWD/target/release/airace scripts/slurm/selftest.sh
#
# Needs root (the daemons run as root) and Slurm and MUNGE installed
# (Debian/Ubuntu: apt-get install slurm-wlm munge), but no running Slurm,
# munged, systemd or /etc/slurm: it starts its own daemons on free ports,
# with their own key, slurm.conf and state in the temporary folder, and
# points the Slurm commands at them (SLURM_CONF). A cluster already running
# on this machine is left alone. It takes about 30 seconds and little CPU
# (two studies of 20,000 runs of scenarios/race.toml, a second of one core
# each).
#
# What it checks:
#   1. `submit.sh 4 shards output scenarios/race.toml --runs 20000`: the
#      array's 4 tasks complete, the merge job completes and starts only
#      after the last shard ended, the logs are in slurm-logs/, and
#      output/race equals `airace run` of the same arguments
#      (diff -r -x manifest.json).
#   2. The failure path: in a second study, shard 2's folder holds a file
#      airace did not write, so airace refuses it (exit 2): the task fails
#      and Slurm cancels the merge (--kill-on-invalid-dep, reason
#      DependencyNeverSatisfied). After removing the file, `submit.sh --only
#      2` reruns that shard and the merge, and output/race equals the direct
#      run.
#
# Environment: AIRACE, the airace binary (required); TIMEOUT, seconds to
# wait for each submission's jobs (default 300); KEEP=1 keeps the temporary
# folder (its path is printed) to look at the logs.
#
# Exit codes: 0 PASS, 1 FAIL, 2 cannot run here (not root, Slurm or MUNGE
# missing, AIRACE not set; the message says what to do).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../shards-common.sh"

fail() {
  echo "error: selftest.sh: $*" >&2
  exit 2
}

case ${1:-} in
  -h | --help) usage; exit 0 ;;
  '') ;;
  *) fail "takes no arguments (--help for usage)" ;;
esac

# --- What it needs -----------------------------------------------------------

[[ $(id -u) == 0 ]] || fail "needs root: it starts munged, slurmctld and slurmd"
missing=()
for command in munged munge slurmctld slurmd sbatch squeue sinfo scontrol scancel; do
  command -v "$command" >/dev/null 2>&1 || missing+=("$command")
done
((${#missing[@]} == 0)) || fail "not found: ${missing[*]}: install Slurm and MUNGE (Debian/Ubuntu: apt-get install slurm-wlm munge; the daemons need not be enabled)"

[[ -n ${AIRACE:-} ]] || fail "set AIRACE=/path/to/airace (cargo build --release puts it in target/release/airace)"
case $AIRACE in
  /*) airace=$AIRACE ;;
  */*) airace=$PWD/$AIRACE ;;
  *) airace=$(command -v "$AIRACE" 2>/dev/null) || fail "airace binary '$AIRACE' not found" ;;
esac
[[ -x $airace ]] || fail "airace binary '$airace' not found or not executable"
export AIRACE=$airace

scenario=$(cd "$here/../.." && pwd)/scenarios/race.toml
[[ -f $scenario ]] || fail "$scenario not found"
timeout=${TIMEOUT:-300}
positive TIMEOUT "$timeout"
runs=20000

# Settings meant for a real cluster (SBATCH_PARTITION, SLURM_* of an
# enclosing job, SQUEUE_FORMAT...) would be wrong for this one.
while read -r name; do
  unset "$name"
done < <(compgen -e | grep -E '^(SLURM|SBATCH|SALLOC|SRUN|SQUEUE|SINFO|SCONTROL|SCANCEL)_' || true)

# --- A throwaway cluster -----------------------------------------------------

tmp=$(mktemp -d "${TMPDIR:-/tmp}/airace-slurm-selftest.XXXXXX")
# munged refuses a socket in a folder that not everyone can enter.
chmod 755 "$tmp"
mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool" "$tmp/log" "$tmp/study"
munged_pid='' slurmctld_pid='' slurmd_pid=''

# Stops what this script started: the jobs, then slurmd, slurmctld and
# munged (by their process ids), then deletes the folder.
# shellcheck disable=SC2317 # run by the trap
cleanup() {
  local status=$? pid waited
  set +e
  trap - INT TERM
  if [[ -n $slurmctld_pid ]] && kill -0 "$slurmctld_pid" 2>/dev/null; then
    scancel --user="$(id -un)" 2>/dev/null
    for ((waited = 0; waited < 20; waited++)); do
      [[ -z $(squeue -h -o %i 2>/dev/null) ]] && break
      sleep 1
    done
  fi
  for pid in $slurmd_pid $slurmctld_pid $munged_pid; do
    kill -TERM "$pid" 2>/dev/null || continue
    for ((waited = 0; waited < 20; waited++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  if [[ ${KEEP:-0} == 1 ]]; then
    echo "selftest.sh: kept $tmp (slurm.conf, log/, study/)" >&2
  else
    rm -rf "$tmp"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'echo "selftest.sh: interrupted" >&2; exit 130' INT TERM

# Fails (exit 2: the cluster did not come up) with the end of a log.
broken() {
  echo "error: selftest.sh: $1" >&2
  [[ -f ${2:-} ]] && tail -n 20 "$2" >&2
  exit 2
}

# Two free TCP ports, for slurmctld and slurmd, so that a Slurm already
# running here (on 6817 and 6818) is not disturbed.
port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
port=$((20000 + RANDOM % 20000))
until port_free "$port" && port_free $((port + 1)); do
  port=$((port + 2))
done

dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge/munge.key"
socket=$tmp/munge/munge.socket
munged --foreground --key-file="$tmp/munge/munge.key" --socket="$socket" \
  --pid-file="$tmp/munge/munged.pid" --seed-file="$tmp/munge/munged.seed" \
  --log-file="$tmp/log/munged.log" >"$tmp/log/munged.out" 2>&1 &
munged_pid=$!
for ((waited = 0; ; waited++)); do
  munge -n -S "$socket" 2>/dev/null | unmunge -S "$socket" >/dev/null 2>&1 && break
  kill -0 "$munged_pid" 2>/dev/null || broken "munged stopped" "$tmp/log/munged.log"
  ((waited < 20)) || broken "munged did not answer within 10 s" "$tmp/log/munged.log"
  sleep 0.5
done

# This machine as slurmd sees it: NodeName=HOST CPUs=... RealMemory=MB.
# Slurm refuses a node with less memory than configured: give it 90%.
node=$(slurmd -C)
node=${node%%$'\n'*}
host=$(sed -n 's/^NodeName=\([^ ]*\).*/\1/p' <<<"$node")
memory=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$node")
[[ -n $host && -n $memory ]] || broken "cannot read this machine's resources from 'slurmd -C': $node"
node=${node/RealMemory=$memory/RealMemory=$((memory * 9 / 10))}

# select/cons_tres with CR_Core_Memory: one CPU and 500 MB per shard, as
# on a real cluster; no cgroups, no accounting database (so no sacct: the
# checks use scontrol, and MinJobAge keeps finished jobs there for an hour).
export SLURM_CONF=$tmp/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=airace-selftest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MinJobAge=3600
KillWait=5
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=selftest Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -D -i >"$tmp/log/slurmctld.out" 2>&1 &
slurmctld_pid=$!
slurmd -D -N "$host" >"$tmp/log/slurmd.out" 2>&1 &
slurmd_pid=$!
for ((waited = 0; ; waited++)); do
  [[ $(sinfo -h -n "$host" -o %T 2>/dev/null) == idle ]] && break
  kill -0 "$slurmctld_pid" 2>/dev/null || broken "slurmctld stopped" "$tmp/log/slurmctld.log"
  kill -0 "$slurmd_pid" 2>/dev/null || broken "slurmd stopped" "$tmp/log/slurmd.log"
  ((waited < 60)) || broken "node $host not idle after 30 s: $(sinfo -h -o '%T %E' 2>&1)" "$tmp/log/slurmctld.log"
  sleep 0.5
done
echo "selftest.sh: Slurm $(sinfo -V | sed 's/^slurm[^ ]* //') up in $tmp: node $host idle, ports $port-$((port + 1)) ($SECONDS s)" >&2

# --- Helpers for the studies -------------------------------------------------

problems=()
problem() {
  problems+=("$*")
  echo "selftest.sh: FAIL: $*" >&2
}

# Submits with submit.sh from the study folder and sets array_id and merge_id
# from what it prints: submit ARGS...
submit() {
  local printed
  printed=$(cd "$tmp/study" && "$here/submit.sh" "$@") || {
    problem "submit.sh $* failed: $printed"
    return 1
  }
  echo "$printed" | sed 's/^/  /' >&2
  array_id=$(sed -n 's/^shards: job array \([0-9]*\) .*/\1/p' <<<"$printed")
  merge_id=$(sed -n 's/^merge: *job \([0-9]*\),.*/\1/p' <<<"$printed")
  [[ -n $array_id && -n $merge_id ]] || {
    problem "cannot read the job ids from submit.sh's output"
    return 1
  }
}

# Waits until none of the jobs is pending or running: wait_jobs ID...
wait_jobs() {
  local ids deadline=$((SECONDS + timeout)) queued
  ids=$(IFS=,; echo "$*")
  while :; do
    if queued=$(squeue -h -j "$ids" -o %i 2>/dev/null) && [[ -z $queued ]]; then
      return 0
    fi
    if ((SECONDS >= deadline)); then
      problem "jobs $ids still queued after $timeout s: $(squeue -h -j "$ids" -o '%i %T %R' 2>&1 | paste -sd ';')"
      return 1
    fi
    sleep 1
  done
}

# Prints one line per job (per task for an array): TASK STATE REASON START END.
# TASK is - for a job that is not an array.
jobs_table() {
  scontrol -o show job "$1" |
    sed -E 's/^(.*ArrayTaskId=([0-9]+))?.*JobState=([A-Z_]+) Reason=([^ ]+) .*StartTime=([^ ]+) EndTime=([^ ]+) .*/\2 \3 \4 \5 \6/; s/^ /- /'
}

# Compares a merged scenario folder with the direct run's; on a difference,
# prints which files differ and the start of the diff (lines cut at 200
# characters: figures are long lines). Here-strings, not pipes into head,
# which would end the script through pipefail and SIGPIPE.
same_as_direct() {
  local merged=$1 differences
  if [[ ! -d $merged ]]; then
    problem "$merged was not written"
  elif differences=$(diff -r -x manifest.json "$tmp/one/race" "$merged" 2>&1); then
    echo "  identical to the direct run: diff -r -x manifest.json one/race ${merged#"$tmp/study/"}" >&2
  else
    problem "$merged differs from the direct run: $(diff -rq -x manifest.json "$tmp/one/race" "$merged" 2>&1 | paste -sd ';')"
    cut -c 1-200 <<<"$differences" >"$tmp/diff"
    head -n 40 "$tmp/diff" >&2
  fi
}

# --- 1. A study through submit.sh, against a direct run ----------------------

echo "selftest.sh: direct run: airace run $scenario --runs $runs" >&2
"$airace" run "$scenario" --runs "$runs" --out "$tmp/one" --threads 1 --quiet

echo "selftest.sh: 1. submit.sh 4 shards output $scenario --runs $runs" >&2
start=$SECONDS
if submit --time 00:10:00 4 shards output "$scenario" --runs "$runs" && wait_jobs "$array_id" "$merge_id"; then
  table=$(jobs_table "$array_id")
  merge_line=$(jobs_table "$merge_id")
  echo "$table" | sort -n | sed 's/^/  shard /' >&2
  echo "  merge $merge_line ($((SECONDS - start)) s)" >&2
  [[ $(awk '$2 == "COMPLETED"' <<<"$table" | wc -l) == 4 ]] || problem "not 4 completed shards: $(paste -sd ';' <<<"$table")"
  read -r _ state _ merge_start _ <<<"$merge_line"
  [[ $state == COMPLETED ]] || problem "merge job $merge_id is $state, not COMPLETED"
  last_end=$(awk '{print $5}' <<<"$table" | sort | tail -n 1)
  [[ ! $merge_start < $last_end ]] || problem "merge started at $merge_start, before the last shard ended ($last_end)"
  for k in 1 2 3 4; do
    [[ -f $tmp/study/slurm-logs/shard-${array_id}_$k.log ]] || problem "no log slurm-logs/shard-${array_id}_$k.log"
  done
  [[ -f $tmp/study/slurm-logs/merge-$merge_id.log ]] || problem "no log slurm-logs/merge-$merge_id.log"
  same_as_direct "$tmp/study/output/race"
fi

# --- 2. A failed shard cancels the merge; --only reruns it -------------------

echo "selftest.sh: 2. a failing shard 2: submit.sh 4 shards2 output2 ..., then --only 2" >&2
start=$SECONDS
mkdir -p "$tmp/study/shards2/race/shard-2-of-4"
echo "not airace's" >"$tmp/study/shards2/race/shard-2-of-4/notes.txt"
if submit --time 00:10:00 4 shards2 output2 "$scenario" --runs "$runs" && wait_jobs "$array_id" "$merge_id"; then
  table=$(jobs_table "$array_id")
  merge_line=$(jobs_table "$merge_id")
  echo "$table" | sort -n | sed 's/^/  shard /' >&2
  echo "  merge $merge_line ($((SECONDS - start)) s)" >&2
  [[ $(awk '$1 == 2 {print $2}' <<<"$table") == FAILED ]] || problem "shard 2 did not fail: $(paste -sd ';' <<<"$table")"
  [[ $(awk '$1 != 2 && $2 == "COMPLETED"' <<<"$table" | wc -l) == 3 ]] || problem "shards 1, 3 and 4 did not all complete: $(paste -sd ';' <<<"$table")"
  read -r _ state reason _ <<<"$merge_line"
  [[ $state == CANCELLED && $reason == DependencyNeverSatisfied ]] || problem "merge job $merge_id is $state ($reason), not CANCELLED (DependencyNeverSatisfied)"
  grep -q 'did not write' "$tmp/study/slurm-logs/shard-${array_id}_2.log" || problem "shard 2's log does not say why it failed: $(cat "$tmp/study/slurm-logs/shard-${array_id}_2.log")"
  [[ ! -e $tmp/study/output2 ]] || problem "output2 exists although the merge was cancelled"

  rm "$tmp/study/shards2/race/shard-2-of-4/notes.txt"
  start=$SECONDS
  if submit --time 00:10:00 --only 2 4 shards2 output2 "$scenario" --runs "$runs" && wait_jobs "$array_id" "$merge_id"; then
    table=$(jobs_table "$array_id")
    merge_line=$(jobs_table "$merge_id")
    echo "$table" | sed 's/^/  shard /' >&2
    echo "  merge $merge_line ($((SECONDS - start)) s)" >&2
    [[ $(awk '{print $1, $2}' <<<"$table") == "2 COMPLETED" ]] || problem "the rerun of shard 2 did not complete: $(paste -sd ';' <<<"$table")"
    [[ $(awk '{print $1}' <<<"$merge_line") == - && $(awk '{print $2}' <<<"$merge_line") == COMPLETED ]] || problem "the merge after the rerun is not COMPLETED: $merge_line"
    same_as_direct "$tmp/study/output2/race"
  fi
fi

# --- Verdict -----------------------------------------------------------------

if ((${#problems[@]} == 0)); then
  echo "PASS: scripts/slurm on Slurm $(sinfo -V | sed 's/^slurm[^ ]* //'): sharded studies equal to a direct run, failed shard cancels the merge, --only reruns it ($SECONDS s)"
  exit 0
fi
echo "FAIL: ${#problems[@]} problem(s):"
printf '  %s\n' "${problems[@]}"
for log in "$tmp"/study/slurm-logs/*.log; do
  [[ -s $log ]] && { echo "--- ${log#"$tmp/study/"}"; cat "$log"; }
done
echo "--- end of slurmctld.log"
tail -n 15 "$tmp/log/slurmctld.log"
exit 1
