#!/usr/bin/env python3
"""Runs traces on numasim and on the real kernel, and compares them
(docs/testing.md, "Agreement with the real kernel").

For each TRACE: trace2c turns it into a C program, gcc builds it, it runs
on this machine; numasim replays the same trace on TOPOLOGY (made from this
machine's /sys/devices/system/node by scripts/import-topology) with
--format json. Compared, per system-call record: the return code and the
move_pages status array (numasim's syscalls.results); per `snapshot`
record and at the end: the numa_maps lines of the ranges the trace mapped.
Every mismatch is printed as `TRACE:LINE: what: kernel X, numasim Y`.

Exit status: 0 all agree, 1 a mismatch, 2 a tool failed.

usage: compare.py NUMASIM TOPOLOGY WORKDIR TRACE...
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CC = os.environ.get("CC", "cc")

# Known differences, excluded field by field (docs/testing.md lists them):
# none so far. A field named here is dropped from both sides' numa_maps
# lines before they are compared.
IGNORED_MAP_FIELDS = ()


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kw)


def real_side(trace, work, nnodes):
    base = os.path.join(work, os.path.basename(trace)[:-len(".trace")])
    p = run([sys.executable, os.path.join(HERE, "..", "..", "verify", "trace2c"), trace, "-o", base + ".c",
             "--all", "0-%d" % (nnodes - 1)])
    if p.returncode == 3:
        return None, p.stdout.strip()
    if p.returncode:
        raise RuntimeError("trace2c %s: %s%s" % (trace, p.stdout, p.stderr))
    p = run([CC, "-std=c11", "-Wall", "-Wextra", "-Werror", "-O1", "-o", base, base + ".c"])
    if p.returncode:
        raise RuntimeError("cc %s: %s" % (trace, p.stderr))
    p = run([base])
    if p.returncode:
        raise RuntimeError("%s exited %d: %s" % (base, p.returncode, p.stderr))
    # MAPS LINE PID LABEL heads the numa_maps of trace pid PID at the
    # snapshot of trace line LINE (0 and END: the end); the sets come in
    # file order, one per live task.
    calls, maps, cur = {}, [], None
    for line in p.stdout.splitlines():
        if line.startswith("MAP "):
            cur.append(line[4:])
        elif line.startswith("MAPS "):
            _, at, pid, label = line.split(" ", 3)
            name = "END" if at == "0" else "SNAPSHOT %s" % label
            if not maps or maps[-1][2] != at:
                maps.append((name, {}, at))
            cur = maps[-1][1].setdefault(int(pid), [])
        elif line[:1].isdigit():
            w = line.split()
            calls[int(w[0])] = {"op": w[1], "rc": w[2],
                                "status": w[3].split(",") if len(w) > 3 else None}
    return (calls, [(name, tasks) for name, tasks, _ in maps]), None


def sim_side(numasim, topo, trace, work):
    out = os.path.join(work, os.path.basename(trace) + ".json")
    p = run([numasim, "run", "-t", topo, "-w", trace, "--format", "json", "-o", out,
             "--no-progress"])
    if p.returncode not in (0, 1):
        raise RuntimeError("numasim %s: exit %d: %s" % (trace, p.returncode, p.stderr))
    rep = json.load(open(out))
    calls = {}
    for r in rep["syscalls"]["results"]:
        calls[r["line"]] = {"op": r["op"], "rc": str(r["rc"]),
                            "status": [str(s) for s in r["status"]] if "status" in r else None}
    maps = [("SNAPSHOT %s" % s.get("label", "-"),
             {t["pid"]: t["numa_maps"] for t in s["tasks"]}) for s in rep["snapshots"]]
    maps.append(("END", {t["pid"]: t["numa_maps"] for t in rep["tasks"]}))
    return calls, maps


def norm_map(line):
    return " ".join(w for w in line.split()
                    if not any(w.startswith(f + "=") for f in IGNORED_MAP_FIELDS))


def compare(name, real, sim):
    bad = []
    rcalls, rmaps = real
    scalls, smaps = sim
    for line in sorted(set(rcalls) | set(scalls)):
        k, s = rcalls.get(line), scalls.get(line)
        if k is None or s is None:
            bad.append("%s:%d: %s: only %s reports it" % (
                name, line, (k or s)["op"], "the kernel" if k else "numasim"))
            continue
        if k["rc"] != s["rc"]:
            bad.append("%s:%d: %s rc: kernel %s, numasim %s" % (name, line, k["op"], k["rc"], s["rc"]))
        if k["status"] != s["status"]:
            bad.append("%s:%d: %s status: kernel %s, numasim %s" % (
                name, line, k["op"], ",".join(k["status"] or ["(none)"]),
                ",".join(s["status"] or ["(none)"])))
    if [m[0] for m in rmaps] != [m[0] for m in smaps]:
        bad.append("%s: snapshots: kernel %s, numasim %s" % (
            name, [m[0] for m in rmaps], [m[0] for m in smaps]))
    # Per trace pid; a task missing on one side (exited, or not forked)
    # has no numa_maps lines there.
    for (label, ktasks), (_, stasks) in zip(rmaps, smaps):
        for pid in sorted(set(ktasks) | set(stasks)):
            kl = [norm_map(x) for x in ktasks.get(pid, [])]
            sl = [norm_map(x) for x in stasks.get(pid, [])]
            if kl != sl:
                bad.append("%s: %s pid %d numa_maps:\n    kernel:  %s\n    numasim: %s" % (
                    name, label, pid, "\n             ".join(kl) or "(none)",
                    "\n             ".join(sl) or "(none)"))
    return bad


def main():
    if len(sys.argv) < 5:
        sys.stderr.write(__doc__)
        return 2
    numasim, topo, work, traces = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    os.makedirs(work, exist_ok=True)
    nnodes = len(json.load(open(topo))["nodes"])
    mismatches, checked, skipped = 0, 0, 0
    for trace in traces:
        name = os.path.basename(trace)
        try:
            real, why = real_side(trace, work, nnodes)
            if real is None:
                print("%s: skipped (%s)" % (name, why))
                skipped += 1
                continue
            sim = sim_side(numasim, topo, trace, work)
        except RuntimeError as e:
            print("%s: error: %s" % (name, e))
            return 2
        bad = compare(name, real, sim)
        checked += 1
        for b in bad:
            print(b)
        if not bad:
            print("%s: agrees (%d calls, %d numa_maps sets)" % (name, len(real[0]), len(real[1])))
        mismatches += len(bad)
    print("realkernel: %d traces compared, %d skipped, %d mismatches" % (checked, skipped, mismatches))
    if mismatches:
        return 1
    # nothing compared is no pass: 77 is ctest's SKIPPED (SKIP_RETURN_CODE)
    return 0 if checked else 77


if __name__ == "__main__":
    sys.exit(main())
