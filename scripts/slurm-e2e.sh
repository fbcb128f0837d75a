#!/usr/bin/env bash
# End-to-end test of the Slurm scripts on a real Slurm: installs Slurm and MUNGE from Debian when
# missing, starts a private one-node cluster on this machine (slurmctld + slurmd on localhost,
# two CPUs, its own ports, config and munge socket, stopped at the end), and checks that
#   1. a 4-task array over the example corpus plus the merge job (scripts/slurm/submit.sh) gives
#      exactly what one process gives (sentence, document, group and error files, byte for byte);
#   2. an array task killed mid-way (scancel) and run again (scontrol requeue) resumes its shard,
#      and the merged result is still identical.
# Prints the time taken and each task's peak RSS. Exit 0: passed; 77: skipped (Slurm cannot be
# installed here; the reason is printed); anything else: failed.
#
#   bash scripts/slurm-e2e.sh            (scripts/test.sh runs it)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
start_time=$(date +%s)

skip() {
  echo "SKIPPED: the Slurm end-to-end test: $*"
  exit 77
}
fail() {
  echo "FAILED: the Slurm end-to-end test: $*" >&2
  exit 1
}

# --- Slurm and MUNGE -------------------------------------------------------------------------
sudo_cmd=none
if [ "$(id -u)" = 0 ]; then
  sudo_cmd=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo_cmd="sudo -n"
fi
if [ "$sudo_cmd" = none ]; then
  # slurmd must run as root to start jobs as their users.
  skip "slurmd needs root (or password-less sudo), which this user does not have"
fi
need=()
for c in slurmctld slurmd sbatch munged; do
  command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] || need=(slurm-wlm munge)
done
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || skip "Slurm is not installed and there is no apt-get here"
  log=${TMPDIR:-/tmp}/standpoint-slurm-install.log
  echo "installing ${need[*]} (Debian packages; log: $log)"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get install -y -q "${need[@]}" >"$log" 2>&1 \
    || { $sudo_cmd apt-get update -q >>"$log" 2>&1 \
         && $sudo_cmd apt-get install -y -q "${need[@]}" >>"$log" 2>&1; } \
    || skip "apt-get could not install ${need[*]} (see $log)"
fi
export PATH="$PATH:/usr/sbin"

# --- the binaries and the corpus ----------------------------------------------------------------
source scripts/env.sh
cargo build --release --quiet -p standpoint-cli
export STANDPOINT="$repo/target/release/standpoint"
work=$(mktemp -d "${TMPDIR:-/tmp}/standpoint-slurm-e2e.XXXXXX")
chmod 755 "$work"
# The example wire stories, 40 times over under new ids (280 documents): enough work per task to
# kill one mid-way.
python3 - "$repo/tests/data/corpus/wire.jsonl" "$work/corpus.jsonl" <<'PY'
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for r in range(40):
        for d in docs:
            f.write(json.dumps(dict(d, id=f"{d['id']}-r{r:02d}"), ensure_ascii=False) + "\n")
PY
run_opts=(--target "a ceasefire" --target concessions --chunk-docs 5)

# --- a private one-node cluster -------------------------------------------------------------------
host=$(hostname -s)
mkdir -p "$work"/{state,spool,log,run,munge}
key=/etc/munge/munge.key
if [ ! -s "$key" ]; then
  $sudo_cmd mkdir -p /etc/munge
  $sudo_cmd sh -c "dd if=/dev/urandom bs=1 count=1024 of=$key 2>/dev/null && chown munge:munge $key && chmod 400 $key"
fi
$sudo_cmd chown munge:munge "$work/munge"
sock="$work/munge/munge.socket"
$sudo_cmd runuser -u munge -- /usr/sbin/munged --socket="$sock" --key-file="$key" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" \
  --seed-file="$work/munge/munged.seed"
mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)
port=$((17000 + RANDOM % 2000))
export SLURM_CONF="$work/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=standpoint-e2e
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 RealMemory=$mem State=UNKNOWN
PartitionName=e2e Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
stop_cluster() {
  for pid in "$work/run/slurmd.pid" "$work/run/slurmctld.pid" "$work/munge/munged.pid"; do
    [ -s "$pid" ] && $sudo_cmd kill "$(cat "$pid")" 2>/dev/null || true
  done
  sleep 1
  if [ "${keep:-0}" = 0 ]; then $sudo_cmd rm -rf "$work"; else echo "kept $work"; fi
}
keep=0
trap stop_cluster EXIT
$sudo_cmd env SLURM_CONF="$SLURM_CONF" slurmctld -f "$SLURM_CONF"
$sudo_cmd env SLURM_CONF="$SLURM_CONF" slurmd -f "$SLURM_CONF"
for _ in $(seq 1 60); do
  sinfo -h -o %T 2>/dev/null | grep -q idle && break
  sleep 1
done
sinfo -h -o %T 2>/dev/null | grep -q idle || {
  keep=1
  fail "the one-node cluster did not come up (logs in $work/log)"
}
echo "== one-node Slurm cluster up ($(sinfo --version), $host, 2 CPUs)"

# --- helpers ----------------------------------------------------------------------------------------
wait_gone() { # JOBID TIMEOUT: until the job has left the queue
  for _ in $(seq 1 "$2"); do
    [ -z "$(squeue -h -j "$1" 2>/dev/null)" ] && return 0
    sleep 1
  done
  squeue
  keep=1
  fail "job $1 still queued after $2 s"
}
same_outputs() { # A B
  for f in sentences.jsonl documents.jsonl documents.csv groups.json groups.csv errors.jsonl; do
    cmp -s "$1/$f" "$2/$f" || { keep=1; fail "$2/$f differs from $1/$f"; }
  done
}
peak_rss() { # LOG: the peak RSS /usr/bin/time -v logged, in MiB
  awk '/Maximum resident set size/ {printf "%.0f MiB", $6 / 1024}' "$1"
}

# --- one process ---------------------------------------------------------------------------------
t0=$(date +%s)
"$STANDPOINT" run "$work/corpus.jsonl" "${run_opts[@]}" --threads 1 --no-progress \
  --out "$work/single" >"$work/single.log" 2>&1 || { cat "$work/single.log"; fail "the single run failed"; }
echo "== one process: $(($(date +%s) - t0)) s"

# --- 1. an array of 4 tasks and the merge ------------------------------------------------------------
export STANDPOINT_WRAP="/usr/bin/time -v"
t0=$(date +%s)
out="$work/out"
ids=$(scripts/slurm/submit.sh --cpus 1 --mem 1G "$out" 4 "$work/corpus.jsonl" "${run_opts[@]}")
echo "$ids"
array=$(echo "$ids" | awk '/array job/ {sub(":", "", $3); print $3}')
merge=$(echo "$ids" | awk '/merge job/ {sub(":", "", $3); print $3}')
wait_gone "$array" 600
wait_gone "$merge" 300
[ -f "$out/merged/run.json" ] || { cat "$out"/logs/*; keep=1; fail "the merge did not finish"; }
same_outputs "$work/single" "$out/merged"
[ -s "$out/merged/report.html" ] || fail "the merge job wrote no report"
echo "== 4-task array + merge: $(($(date +%s) - t0)) s; merged output identical to one process"
for k in 1 2 3 4; do
  echo "   task $k: peak RSS $(peak_rss "$out/logs/run-${array}_$k.out")"
done

# --- 2. a task killed mid-way, run again -------------------------------------------------------------
t0=$(date +%s)
out="$work/out-killed"
ids=$(scripts/slurm/submit.sh --cpus 1 --mem 1G "$out" 4 "$work/corpus.jsonl" "${run_opts[@]}")
array=$(echo "$ids" | awk '/array job/ {sub(":", "", $3); print $3}')
merge=$(echo "$ids" | awk '/merge job/ {sub(":", "", $3); print $3}')
state="$out/shard-2-of-4/state.json"
killed=0
for _ in $(seq 1 1200); do
  if [ -s "$state" ] && python3 - "$state" <<'PY'
import json, sys
try:
    s = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    sys.exit(1)
sys.exit(0 if s["documents"] > 0 and not s["complete"] else 1)
PY
  then
    scancel "${array}_2"
    killed=1
    break
  fi
  sleep 0.1
done
[ "$killed" = 1 ] || { keep=1; fail "task 2 was never seen mid-way (checkpointed and unfinished)"; }
wait_gone "${array}_2" 60
done_at_kill=$(python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print(s['documents'], s['complete'])" "$state")
echo "   task 2 killed (scancel) at its checkpoint: documents, complete = $done_at_kill"
case $done_at_kill in *False) ;; *) keep=1; fail "task 2 had finished before it was killed" ;; esac
wait_gone "$array" 600
# The merge waits on an array with a cancelled task: it can never run (Slurm marks it
# DependencyNeverSatisfied). Cancel it, requeue the task in its array, merge once it is done.
scancel "$merge" 2>/dev/null || true
scontrol requeue "${array}_2"
scontrol update JobId="${array}_2" StartTime=now
sleep 1
wait_gone "${array}_2" 600
grep -q "resuming after" "$out/logs/run-${array}_2.out" || {
  cat "$out/logs/run-${array}_2.out"
  keep=1
  fail "the requeued task did not resume its shard"
}
ids=$(scripts/slurm/submit.sh --merge-only "$out" 4)
merge=$(echo "$ids" | awk '/merge job/ {sub(":", "", $3); print $3}')
wait_gone "$merge" 300
[ -f "$out/merged/run.json" ] || { cat "$out"/logs/merge-*; keep=1; fail "the merge after the requeue did not finish"; }
same_outputs "$work/single" "$out/merged"
echo "== task killed mid-way, requeued, resumed, merged: $(($(date +%s) - t0)) s; identical to one process"
echo "   requeued task 2: peak RSS $(peak_rss "$out/logs/run-${array}_2.out")"

echo "== Slurm end-to-end test passed in $(($(date +%s) - start_time)) s"
