#!/bin/sh
# Touch faults in runs (sim/mm/memory.c fault_anon_run(), docs/model.md
# §4) must leave exactly the state page-by-page faults leave: the
# reference answer is numasim's own one-by-one path, sim.fault_runs=0.
# Every shipped workload on 2socket, ring4 and numa16 (--seed 7, with and
# without sim.pcp=1), and every scenario with its own topology and
# `# args:` line, gives the same JSON report, stderr and exit status both
# ways (the report's `config`, which names the setting, left out).
# Usage: test_fault_runs.sh NUMASIM SRCDIR
numasim=$1 src=$2
command -v python3 >/dev/null || { echo "SKIPPED: no python3"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src" || exit 1
python3 - "$numasim" "$tmp" <<'PY'
import glob, json, os, re, shlex, subprocess, sys
numasim, tmp = sys.argv[1:3]

def run(topo, trace, args, runs):
    out = os.path.join(tmp, "out.json")
    if os.path.exists(out):
        os.remove(out)
    p = subprocess.run([numasim, "run", "-t", topo, "-w", trace, "--format", "json", "-o", out,
                        "--no-progress", "--set", "sim.fault_runs=%d" % runs] + args,
                       capture_output=True, text=True)
    rep = None
    if os.path.exists(out):
        rep = json.load(open(out))
        rep.pop("config", None)
    return p.returncode, p.stderr.replace("sim.fault_runs=%d" % runs, "sim.fault_runs"), rep

cases = []
for w in sorted(glob.glob("workloads/*.trace")):
    for topo in ("2socket", "ring4", "numa16"):
        for extra in ([], ["--set", "sim.pcp=1"]):
            cases.append((topo, w, ["--seed", "7"] + extra))
for t in sorted(glob.glob("tests/scenarios/*.trace")):
    text = open(t).read()
    topo = re.search(r"^# topology: (\S+)", text, re.M)
    args = re.search(r"^# args: (.*)$", text, re.M)
    topo = topo.group(1) if topo else "2socket"
    if topo.endswith(".json") and not os.path.isabs(topo):
        topo = os.path.join(os.path.dirname(t), topo)   # from the trace's directory
    cases.append((topo, t, shlex.split(args.group(1)) if args else []))
bad = 0
for topo, trace, args in cases:
    a, b = run(topo, trace, args, 1), run(topo, trace, args, 0)
    if a != b:
        bad += 1
        what = "exit %s/%s" % (a[0], b[0]) if a[0] != b[0] else (
            "stderr" if a[1] != b[1] else "report")
        print("FAIL %s on %s %s: runs and page-by-page differ (%s)" % (trace, topo, " ".join(args), what))
print("%d of %d runs alike with and without fault runs" % (len(cases) - bad, len(cases)))
sys.exit(1 if bad else 0)
PY
