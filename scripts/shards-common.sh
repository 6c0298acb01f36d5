# shellcheck shell=bash
# What scripts/shards-local.sh, scripts/slurm/submit.sh and
# scripts/slurm/selftest.sh share, sourced by each (each defines its own
# `fail`, which prints its name and exits 2; the two that take options, their
# own `own_option`).

# Prints the calling script's header comment: its --help.
usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p;}' "$0"
}

# Prints a command as one line of shell input: plain words as they are,
# others in single quotes.
quoted() {
  local out='' arg plain='^[A-Za-z0-9_@%+=:,./-]+$' sq="'" quote="'\\''"
  for arg in "$@"; do
    if [[ $arg =~ $plain ]]; then
      out+="$arg "
    else
      out+="'${arg//$sq/$quote}' "
    fi
  done
  printf '%s\n' "${out% }"
}

# Fails unless VALUE is a positive whole number: positive NAME VALUE.
positive() {
  [[ $2 =~ ^[1-9][0-9]*$ ]] || fail "$1 must be a positive whole number, not '$2'"
}

# Prints the shards that --only LIST names, in order and space-separated
# (every shard 1 to N for an empty LIST), or fails: only_shards LIST N.
only_shards() {
  local only=$1 n=$2 part first last k list=()
  if [[ -z $only ]]; then
    for ((k = 1; k <= n; k++)); do list+=("$k"); done
  else
    [[ $only =~ ^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$ ]] || fail "--only takes shard numbers and ranges like 7,12 or 3-5, not '$only'"
    for part in ${only//,/ }; do
      first=$((10#${part%-*})) last=$((10#${part#*-}))
      ((first >= 1 && last <= n && first <= last)) || fail "--only: '$part' is not within 1 to $n"
      for ((k = first; k <= last; k++)); do list+=("$k"); done
    done
  fi
  echo "${list[*]}"
}

# Parses the options before N: those every script takes (-h/--help,
# --dry-run, --no-merge, --only LIST, --merge OPT) and the script's own that
# take a value, named in VALUED (space-separated), each handed with its value
# to the script's `own_option NAME VALUE`; a value follows as the next word
# or after `=`. Sets dry_run, merge, only and merge_extra, and `args` to the
# words after the options (N SHARDS OUT ...):
#   parse_options VALUED "$@"; set -- ${args[@]+"${args[@]}"}
parse_options() {
  local valued=" $1 --only --merge " name value words
  shift
  dry_run=0
  merge=1
  only=''
  merge_extra=()
  while [[ $# -gt 0 ]]; do
    case $1 in
      -h | --help) usage; exit 0 ;;
      --dry-run) dry_run=1; shift; continue ;;
      --no-merge) merge=0; shift; continue ;;
      --) shift; break ;;
      -*) ;;
      *) break ;;
    esac
    if [[ $1 == --*=* ]]; then
      name=${1%%=*} value=${1#*=} words=1
    else
      name=$1 value=${2-} words=2
    fi
    [[ $valued == *" $name "* ]] || fail "unknown option '$1' (options go before N)"
    [[ $# -ge $words ]] || fail "$1 needs a value"
    shift "$words"
    case $name in
      --only) only=$value ;;
      --merge) merge_extra+=("$value") ;;
      *) own_option "$name" "$value" ;;
    esac
  done
  args=("$@")
}
