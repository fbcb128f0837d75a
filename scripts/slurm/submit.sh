#!/usr/bin/env bash
# Submits a sharded standpoint run to Slurm: an array of N tasks (run-array.sbatch), then the
# merge (merge.sbatch) with --dependency=afterok on the array.
#
#   scripts/slurm/submit.sh [--cpus C] [--mem M] [--merge-only] OUT N INPUT... [run options]
#
# e.g. scripts/slurm/submit.sh --cpus 2 --mem 1G /shared/out/ceasefire 16 /shared/stories.jsonl.gz \
#        --target "a ceasefire" --target concessions
#
# OUT and the inputs must be on storage every node sees. Task logs go to OUT/logs/. Prints the
# array's and the merge's job ids. Other sbatch settings come from sbatch's own environment
# variables (SBATCH_PARTITION, SBATCH_ACCOUNT, SBATCH_TIMELIMIT, ...).
# Again after a failure: the same command submits the array again (finished shards return at
# once, the failed ones resume) and a new merge; or `scontrol requeue JOBID_K` for one task and
# then this command with --merge-only (a merge waiting on an array with a failed task never runs).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cpus=2 mem=1G merge_only=0
while [ $# -gt 0 ]; do
  case $1 in
    --cpus) cpus=$2; shift 2 ;;
    --mem) mem=$2; shift 2 ;;
    --merge-only) merge_only=1; shift ;;
    *) break ;;
  esac
done
usage="usage: submit.sh [--cpus C] [--mem M] [--merge-only] OUT N INPUT... [run options]"
out=${1:?$usage}
n=${2:?$usage}
shift 2
case $n in '' | *[!0-9]* | 0) echo "submit.sh: N must be a positive number" >&2; exit 2 ;; esac
if [ -z "${STANDPOINT:-}" ]; then
  STANDPOINT=$(command -v standpoint) || {
    echo "submit.sh: no standpoint on the PATH; install it or set STANDPOINT=/path/to/standpoint" >&2
    exit 2
  }
fi
export STANDPOINT
mkdir -p "$out/logs"
dependency=()
if [ "$merge_only" = 0 ]; then
  [ $# -gt 0 ] || { echo "$usage" >&2; exit 2; }
  array=$(sbatch --parsable --array="1-$n" --cpus-per-task="$cpus" --mem="$mem" \
    --output="$out/logs/run-%A_%a.out" "$here/run-array.sbatch" "$out" "$n" "$@")
  array=${array%%;*}
  echo "array job $array: $n tasks"
  dependency=(--dependency="afterok:$array")
fi
merge=$(sbatch --parsable "${dependency[@]}" --output="$out/logs/merge-%j.out" \
  "$here/merge.sbatch" "$out" "$n")
merge=${merge%%;*}
echo "merge job $merge: $out/merged"
