#!/bin/sh
# A compare sweep as a Slurm job array on a real one-node Slurm
# (docs/sweeps.md): the test writes a munge key and a slurm.conf in a
# temporary directory, starts munged, slurmctld and slurmd on this host
# (unusual ports, its own socket, spool and state directories), submits
# the batch file scripts/sweep-slurm writes (`sbatch --array=1-3`, each
# task running `compare --shard K/3`), merges the shards with `numasim
# merge` and checks the result equals the unsharded compare byte for
# byte. It stops everything it started. Where Slurm cannot run (not root,
# daemons missing, a daemon that does not come up) it exits 77: SKIPPED,
# with the reason.
# Usage: test_slurm.sh NUMASIM SRCDIR
set -u
numasim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
skip() { echo "SKIPPED: $*"; exit 77; }

[ "$(id -u)" -eq 0 ] || skip "slurmd must run as root (running as uid $(id -u))"
for c in munged slurmctld slurmd sbatch scontrol sinfo; do
	command -v "$c" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
	command -v "$c" >/dev/null 2>&1 || skip "$c not installed (Debian packages slurm-wlm and munge)"
done

tmp=$(mktemp -d /tmp/numasim-slurm.XXXXXX)
chmod 700 "$tmp"
pids=""
cleanup() {
	set +e
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	for p in $pids; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

# --- munge: its own key, socket, pid, seed and log files
dd if=/dev/urandom of="$tmp/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$tmp/munge.key"
sock=$tmp/munge.sock
munged --foreground --force --socket="$sock" --key-file="$tmp/munge.key" \
	--pid-file="$tmp/munged.pid" --seed-file="$tmp/munged.seed" \
	--log-file="$tmp/munged.log" >"$tmp/munged.out" 2>&1 &
pids="$pids $!"
i=0
while [ ! -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$sock" ] || skip "munged did not start: $(tail -n 1 "$tmp/munged.out" "$tmp/munged.log" 2>/dev/null | tr '\n' ' ')"

# --- slurm: one node (this host), ports chosen to avoid a site's Slurm
host=$(hostname -s)
cpus=$(nproc)
port=$((47000 + $$ % 1000))
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/out"
cat > "$tmp/slurm.conf" <<EOF
ClusterName=numasimtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1000))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SlurmdTimeout=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$tmp/slurm.conf"
slurmctld -D -i -f "$SLURM_CONF" >"$tmp/slurmctld.out" 2>&1 &
pids="$pids $!"
slurmd -D -f "$SLURM_CONF" -N "$host" >"$tmp/slurmd.out" 2>&1 &
pids="$pids $!"
i=0
state=""
while [ $i -lt 300 ]; do
	state=$(sinfo -h -N -o %T 2>/dev/null | head -n 1)
	case $state in idle|mixed|allocated) break ;; esac
	sleep 0.1
	i=$((i + 1))
done
case $state in
idle|mixed|allocated) ;;
*) skip "the Slurm node did not come up (state '$state'): $(tail -n 2 "$tmp/slurmctld.log" "$tmp/slurmd.log" "$tmp/slurmd.out" 2>/dev/null | tr '\n' ' ' | cut -c1-400)" ;;
esac

# --- the sweep: 2 topologies x 2 workloads x 2 modes = 8 variants in 3 shards
set -e
cd "$src"
export NUMASIM_DATADIR="$src"
set -- -t ring4,toy4 -w zone-reclaim,writer --vary vm.zone_reclaim_mode=0,1
"$src/scripts/sweep-slurm" -n 3 -d "$tmp/out" -b "$numasim" -- "$@" > "$tmp/sweep.sbatch"
grep -q '^#SBATCH --array=1-3$' "$tmp/sweep.sbatch"
if ! timeout 300 sbatch --wait --chdir="$src" "$tmp/sweep.sbatch" >"$tmp/sbatch.out" 2>&1; then
	cat "$tmp/sbatch.out" "$tmp"/out/slurm-*.out 2>/dev/null
	echo "FAIL: the job array failed"
	exit 1
fi
ls "$tmp"/out/shard-1.json "$tmp"/out/shard-2.json "$tmp"/out/shard-3.json >/dev/null
"$numasim" merge "$tmp"/out/shard-*.json -o "$tmp/merged.json"
"$numasim" compare "$@" --jobs 1 --format json -o "$tmp/full.json"
cmp "$tmp/full.json" "$tmp/merged.json"
# each shard ran as a different array task, holding its own variants
python3 - "$tmp/out" <<'PY'
import json, sys
for k in (1, 2, 3):
    c = json.load(open(f"{sys.argv[1]}/shard-{k}.json"))["compare"]
    assert c["shard"] == f"{k}/3", c["shard"]
    assert [r["variant"] for r in c["runs"]] == list(range(k, 9, 3)), c["runs"]
PY
echo "slurm job array sweep ok (node $host, port $port)"
