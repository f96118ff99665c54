#!/usr/bin/env python3
"""`numasim verify` (docs/verify.md): runs traces on numasim and on a real
Linux kernel booted under QEMU on a machine shaped like the topology, and
prints what each did side by side.

usage: verify.py NUMASIM TOPOLOGY.json KERNEL FORMAT [--set sim.NAME=V]... TRACE...

Exit status: 0 every comparison agrees (or differs as the trace says it
will, with the cause), 1 a comparison differs, 2 bad input or no kernel or
QEMU to run (one line on stderr)."""
import fnmatch
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import guest  # noqa: E402

CC = os.environ.get("CC", "cc")
ROOT = "/mnt/t"          # where each trace's files live in the guest: ROOT/<index>
NUMASTAT = ["numa_hit", "numa_miss", "numa_foreign", "interleave_hit", "local_node", "other_node"]

# Tolerances, by comparison (docs/verify.md, "What is compared"). `exact`
# for what the workload decides: return codes, status arrays, where each
# page of a mapping is, numa_maps lines. The kernel allocates pages
# numasim does not model (page tables, the program's own stack, libc and
# stdio buffers, kernel stacks of forks, slab), so its numastat counts
# run ahead by a bounded amount; reclaim counters get a wide band.
TOL_NUMASTAT = (64, 0.05)     # kernel - numasim in [-8, 64 + 64 a task + 5% of numasim]
                              # (a task: each trace task, and the watching process's fork)
TASK_SLACK = 64               # a fork or thread: kernel stack, page tables, task structs
TOL_EVENT = (512, 0.10)       # pgfault, pgalloc: |k - s| <= 512 + 10%
TOL_RECLAIM = (256, 0.50)     # pgscan/pgsteal/...: |k - s| <= 256 + 50%
EXACT_VM = ["pgmigrate_success", "pgmigrate_fail", "numa_pages_migrated", "oom_kill", "pswpin", "pswpout",
            "thp_fault_alloc", "thp_fault_fallback", "thp_split_pmd", "thp_migration_success",
            "thp_migration_fail", "thp_migration_split", "thp_zero_page_alloc"]
EVENT_VM = ["pgfault", "pgalloc"]
RECLAIM_VM = ["pgscan_kswapd", "pgscan_direct", "pgsteal_kswapd", "pgsteal_direct", "allocstall",
              "pgactivate", "pgdeactivate", "pgrefill", "zone_reclaim_failed"]
# kcompactd's part of each migration counter: the guest's
# migrate:mm_migrate_pages events with reason=compaction, numasim's JSON
# `compaction`; compared like the reclaim counters (kcompactd runs in
# some of the kernel's runs and not in others). The rest, exact, is the
# guest's other mm_migrate_pages events (the same trace window: kcompactd
# may migrate between the program's last /proc/vmstat read and the end
# of the trace) and numasim's counter less compaction's part.
COMPACT_VM = [("compact_migrated", "pgmigrate_success", "other_migrated"),
              ("compact_migrate_failed", "pgmigrate_fail", "other_migrate_failed")]
RECLAIM_VM += [c for c, _, _ in COMPACT_VM]
# /proc/vmstat counts these per zone; numasim sums them
SUMMED = {"pgalloc": "pgalloc_", "allocstall": "allocstall_"}


class BadInput(Exception):
    pass


def sh(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kw)


# ---- the trace's expected-difference annotations ---------------------------------

ANNOT = re.compile(r"#\s*verify-differs:\s*(\S+)((?:\s+(?:kernel|machine)=\S+)*)\s*:\s*(.+)$")


def annotations(path):
    """`# verify-differs: PATTERN [kernel=V] [machine=NAME]: cause` lines."""
    out = []
    for i, line in enumerate(open(path), 1):
        if "verify-differs" not in line:
            continue
        m = ANNOT.match(line.strip())
        if not m:
            raise BadInput("%s:%d: verify-differs wants `PATTERN [kernel=V] [machine=M]: cause`" % (path, i))
        cond = dict(w.split("=", 1) for w in m.group(2).split())
        out.append((m.group(1), cond, m.group(3).strip()))
    return out


MAX_RUNS = 16
MAX_BOOTS = 8


def count_of(path, key, most, what):
    """`# verify-KEY: N` in trace PATH, from 1 to MOST (1 when absent)."""
    n = 1
    pat = re.compile(r"#\s*verify-%s:\s*(\S*)\s*$" % key)
    for i, line in enumerate(open(path), 1):
        if "verify-" + key not in line:
            continue
        m = pat.match(line.strip())
        if not m or not m.group(1).isdigit() or not 1 <= int(m.group(1)) <= most:
            raise BadInput("%s:%d: verify-%s wants a number of %s from 1 to %d" % (path, i, key, what, most))
        n = int(m.group(1))
    return n


def runs_of(path):
    """`# verify-runs: N`: the trace's program runs N times in the boot,
    one after the other, and each counter is compared with the spread of
    the kernel's N runs (docs/verify.md, "A trace run several times")."""
    return count_of(path, "runs", MAX_RUNS, "runs")


def boots_of(path):
    """`# verify-boots: B`: the trace's runs are made in B boots of the
    kernel, the first with every trace, the others with the traces that
    ask for them, and the spread is that of all the runs (docs/verify.md,
    "A trace run several times")."""
    return count_of(path, "boots", MAX_BOOTS, "boots")


def prog_name(i, run, runs):
    """The guest's name for run RUN (from 1) of trace I's program: t<i>,
    or t<i>.r<run> when it runs several times (one program, progs/t<i>)."""
    return "t%d" % i if runs == 1 else "t%d.r%d" % (i, run)


def known_cause(annots, name, version, machine):
    for pat, cond, cause in annots:
        if cond.get("kernel", version) != version or cond.get("machine", machine) != machine:
            continue
        if fnmatch.fnmatchcase(name, pat):
            return cause
    return None


# ---- building the guest programs -------------------------------------------------

def compile_cached(c, out):
    """cc -static, once per generated source: the programs are kept in the
    cache by the source's hash (the same trace on another kernel, or the
    next run, reuses them)."""
    src = open(c, "rb").read()
    cache = os.path.join(guest.cache_dir(), "progs")
    key = os.path.join(cache, hashlib.sha256(src + CC.encode()).hexdigest()[:32])
    if not os.path.exists(key):
        os.makedirs(cache, exist_ok=True)
        p = sh([CC, "-std=gnu11", "-O1", "-static", "-pthread", "-o", key + ".tmp", c])
        if p.returncode:
            raise guest.GuestError("cannot build static guest programs with %s (libc6-dev): %s" % (
                CC, (p.stderr.strip().splitlines() or ["?"])[0]))
        os.replace(key + ".tmp", key)
    shutil.copy(key, out)


def build(traces, nnodes, work, runs=None):
    """Each trace becomes a static program on the disk tree, listed in
    run.list once a run (RUNS[i] runs of trace i, default one); returns
    the tree."""
    runs = runs or [1] * len(traces)
    tree = os.path.join(work, "tree")
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(os.path.join(tree, "progs"))
    names, sysctls = [], set()
    for i, trace in enumerate(traces):
        name = "t%d" % i
        root = "%s/%d" % (ROOT, i)
        c = os.path.join(work, name + ".c")
        files = os.path.join(work, name + ".files")
        p = sh([sys.executable, os.path.join(HERE, "trace2c"), trace, "-o", c,
                "--all", "0-%d" % (nnodes - 1), "--root", root, "--files", files])
        if p.returncode == 3:
            raise BadInput("%s: cannot run on a real kernel: %s" % (
                trace, p.stdout.strip()[len("unsupported: "):]))
        if p.returncode:
            raise BadInput("%s: %s" % (trace, (p.stderr or p.stdout).strip().splitlines()[-1]))
        compile_cached(c, os.path.join(tree, "progs", name))
        for line in open(files):
            fname, size = line.rsplit(" ", 1)
            host = os.path.join(tree, fname[len("/mnt/"):])
            os.makedirs(os.path.dirname(host), exist_ok=True)
            with open(host, "wb") as f:
                f.truncate(int(size))
        for m in re.finditer(r'sysctl_set\(\d+, "([^"]+)"', open(c).read()):
            sysctls.add(m.group(1))
        names += [prog_name(i, r, runs[i]) for r in range(1, runs[i] + 1)]
    with open(os.path.join(tree, "run.list"), "w") as f:
        f.write("".join(n + "\n" for n in names))
    if any(x.startswith("/sys/kernel/mm/transparent_hugepage/") for x in sysctls):
        # enabling THP raises min_free_kbytes (set_recommended_min_free_kbytes())
        # and never lowers it on 6.1: restored after the THP files, so
        # the next program starts from the boot's watermarks
        sysctls.add("/proc/sys/vm/min_free_kbytes")
    with open(os.path.join(tree, "sysctls"), "w") as f:
        f.write("".join(s + "\n" for s in sorted(sysctls, key=lambda x: (not x.startswith("/sys/"), x))))
    os.makedirs(os.path.join(tree, "t"), exist_ok=True)
    if os.environ.get("NUMASIM_VERIFY_KSWAPD_TRACE"):
        open(os.path.join(tree, "kswapd_trace"), "w").close()   # the guest's init traces kswapd
    return tree


# ---- reading both sides ----------------------------------------------------------

def kernel_side(lines, root):
    """Parses one program's output into calls, snapshots and counters."""
    calls, snaps, vm, problems = {}, [], {}, []
    cur, own, elapsed = None, 0, None

    def snap(at, label):
        if not snaps or snaps[-1]["at"] != at:
            snaps.append({"at": at, "label": label, "maps": {}, "place": {}, "numastat": {}, "thp": {}})
        return snaps[-1]

    pid = None
    for line in lines:
        w = line.split()
        if not w:
            continue
        if w[0] == "MAPS":
            s = snap(w[1], "END" if w[1] == "0" else w[3])
            pid = int(w[2])
            cur = s["maps"].setdefault(pid, [])
        elif w[0] == "MAP":
            cur.append(line[4:].replace("file=" + root, "file="))
        elif w[0] == "PLACE":
            snaps[-1]["place"].setdefault(pid, {})[w[1]] = [int(x) for x in w[2:]]
        elif w[0] == "NUMASTAT":
            s = snap(w[1], "END" if w[1] == "0" else w[2])
            s["numastat"][int(w[3])] = dict(zip(NUMASTAT, (int(x) for x in w[4:])))
        elif w[0] == "THP":
            snap(w[1], "END" if w[1] == "0" else w[2])["thp"][int(w[3])] = int(w[4])
        elif w[0] == "VMSTAT":
            vm[w[1]] = int(w[2])
        elif w[0] == "SELF":
            own = int(w[1])
        elif w[0] == "ELAPSED":
            elapsed = int(w[1])
        elif w[0] == "SYSCTL":
            problems.append("line %s: the kernel refused sysctl %s: %s" % (w[1], w[2], w[3]))
        elif w[0] == "STDERR":
            problems.append("guest program: " + line[7:])
        elif w[0][:1].isdigit():
            calls[int(w[0])] = {"op": w[1], "rc": w[2],
                                "status": w[3].split(",") if len(w) > 3 else None}
    for name, prefix in SUMMED.items():
        vm[name] = sum(v for k, v in vm.items() if k.startswith(prefix))
    return {"calls": calls, "snaps": snaps, "vmstat": vm, "problems": problems, "own": own,
            "elapsed_ns": elapsed}


# numasim runs as the booted kernel is set up: its version's rules
# (sim.kernel_version), the multi-generational LRU as Debian's config
# turns it on (CONFIG_LRU_GEN_ENABLED: 6.12 yes, 6.1 no), per-CPU page
# lists (sim.pcp=1: every kernel has them; verify's --set sim.pcp=0
# turns them off), kswapd sharing a one-CPU node with the CPU-bound
# program that woke it (sim.kswapd_shares_cpu=1), the page cache's own
# slab of xarray nodes (sim.page_cache_slab=1) and, under 6.12, the
# guest kswapd's 3.4 us a page reclaimed (sim.cost.scan_page_ns=3400;
# docs/verify.md), and THP off as the guest's command line says
# (transparent_hugepage=never) until a trace's sysctl
# mm.transparent_hugepage.enabled sets both.
SIM_SETTINGS = {"6.1": ["sim.kernel_version=6.1", "mm.lru_gen.enabled=0", "sim.pcp=1", "sim.kswapd_shares_cpu=1",
                        "sim.page_cache_slab=1"],
                "6.12": ["sim.kernel_version=6.12", "mm.lru_gen.enabled=1", "sim.pcp=1", "sim.kswapd_shares_cpu=1",
                         "sim.page_cache_slab=1", "sim.cost.scan_page_ns=3400"]}


def sim_sets(version, extra):
    """numasim's --set arguments for the booted kernel VERSION. The guest
    program reads its end's counters right after its last record, while
    the kernel's background work (the flusher, kswapd) may still be
    queued: numasim reports at the same moment (sim.run_to_idle=0)
    instead of running that work to its end."""
    sets = []
    for kv in SIM_SETTINGS.get(version, []) + ["mm.transparent_hugepage.enabled=never",
                                                "sim.run_to_idle=0"] + list(extra):
        sets += ["--set", kv]
    return sets


def sim_side(numasim, topo, trace, work, version, extra=(), name=None):
    out = os.path.join(work, (name + "-" if name else "") + os.path.basename(trace) + ".json")
    sets = sim_sets(version, extra)
    t0 = time.monotonic()
    p = sh([numasim, "run", "-t", topo, "-w", trace, "--format", "json", "-o", out,
            "--no-progress"] + sets)
    wall = time.monotonic() - t0
    if p.returncode not in (0, 1):
        raise BadInput("numasim run %s: %s" % (trace, (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[0]))
    rep = json.load(open(out))
    calls = {}
    for r in rep["syscalls"]["results"]:
        calls[r["line"]] = {"op": r["op"], "rc": str(r["rc"]),
                            "status": [str(s) for s in r["status"]] if "status" in r else None}
    snaps = []
    for s in rep["snapshots"] + [dict(rep, label="END")]:
        snaps.append({"label": s.get("label", "-"),
                      "maps": {t["pid"]: t["numa_maps"] for t in s["tasks"]},
                      "numastat": {n["id"]: n["numastat"] for n in s["nodes"]},
                      "thp": {n["id"]: n["nr_anon_transparent_hugepages"] for n in s["nodes"]}})
    vm = dict(rep["vmstat"])
    if "compaction" in rep:
        vm["compact_migrated"] = rep["compaction"]["migrated"]
        vm["compact_migrate_failed"] = rep["compaction"]["failed"]
    return {"calls": calls, "snaps": snaps, "vmstat": vm, "wall_s": wall}


def sim_place(line, nnodes):
    counts = [0] * nnodes
    for w in line.split():
        m = re.fullmatch(r"N(\d+)=(\d+)", w)
        if m and int(m.group(1)) < nnodes:
            counts[int(m.group(1))] = int(m.group(2))
    return counts


# ---- comparing -------------------------------------------------------------------

def within(k, s, tol, lo=None):
    a, r = tol
    d = k - s
    return (-(lo if lo is not None else a + r * s) <= d <= a + r * s)


def compare(k, s, nnodes, ntasks, whole, nspawn=1, names=()):
    """[(name, what, kernel, numasim, tolerance, agrees)]. WHOLE: how many
    records migrate whole processes (migrate_pages, a cpuset attach or mems
    change); each may move the guest program's own pages too: up to OWN
    (+32 for buffers allocated later) more a task each time. A spawn after
    the first execs the program again: its own pages count once more."""
    rows = []
    extra = (k["own"] + 32) * ntasks * whole

    def add(name, what, kv, sv, tol, ok, band=None):
        # BAND (below, above): a counter's kernel - numasim may lie from
        # -below to +above (combine_runs() compares several runs by it)
        rows.append({"name": name, "what": what, "kernel": kv, "numasim": sv,
                     "tolerance": tol, "agree": bool(ok)})
        if band:
            rows[-1]["band"] = band

    for p in k["problems"]:
        add("guest", p, "error", "-", "exact", False)
    for line in sorted(set(k["calls"]) | set(s["calls"])):
        kc, sc = k["calls"].get(line), s["calls"].get(line)
        op = (kc or sc)["op"]
        krc = kc["rc"] if kc else "(not listed)"
        src = sc["rc"] if sc else "(not listed)"
        add("rc.L%d" % line, "line %d %s rc" % (line, op), krc, src, "exact", krc == src)
        if (kc and kc["status"]) or (sc and sc["status"]):
            ks = ",".join(kc["status"] or []) if kc else "-"
            ss = ",".join(sc["status"] or []) if sc else "-"
            add("status.L%d" % line, "line %d %s status" % (line, op), ks, ss, "exact", ks == ss)
    klabels = [x["label"] for x in k["snaps"]]
    slabels = [x["label"] for x in s["snaps"]]
    if klabels != slabels:
        add("snapshots", "snapshots", " ".join(klabels), " ".join(slabels), "exact", False)
    for ks, ss in zip(k["snaps"], s["snaps"]):
        lab = ks["label"]
        for pid in sorted(set(ks["maps"]) | set(ss["maps"])):
            kl, sl = ks["maps"].get(pid, []), ss["maps"].get(pid, [])
            kby = {x.split()[0]: x for x in kl}
            sby = {x.split()[0]: x for x in sl}
            for start in sorted(set(kby) | set(sby), key=lambda a: int(a, 16)):
                kp = ks["place"].get(pid, {}).get(start)
                sp = sim_place(sby[start], nnodes) if start in sby else [0] * nnodes
                kps = " ".join("N%d=%d" % (i, c) for i, c in enumerate(kp or [0] * nnodes) if c) or "-"
                sps = " ".join("N%d=%d" % (i, c) for i, c in enumerate(sp) if c) or "-"
                add("place.%s.p%d.%s" % (lab, pid, start), "%s pid %d %s pages per node" % (lab, pid, start),
                    kps, sps, "exact", kps == sps)
                kline = kby.get(start, "(none)")
                sline = sby.get(start, "(none)")
                w = sline.split()
                if len(w) > 2 and w[2] in names:
                    # numasim shows an mmap's name= after the policy; the
                    # kernel's numa_maps never names anonymous memory
                    sline = " ".join(w[:2] + w[3:])
                add("numa_maps.%s.p%d.%s" % (lab, pid, start), "%s pid %d numa_maps" % (lab, pid),
                    kline, sline, "exact", kline.split() == sline.split())
        for node in range(nnodes):
            kt, st = ks["thp"].get(node), ss["thp"].get(node)
            if kt is not None and st is not None:
                add("thp.%s.n%d" % (lab, node), "%s node %d THPs" % (lab, node), kt, st, "exact", kt == st)
        for node in range(nnodes):
            kn, sn = ks["numastat"].get(node), ss["numastat"].get(node)
            if not kn or not sn:
                continue
            for f in NUMASTAT:
                a, r = TOL_NUMASTAT
                a += TASK_SLACK * ntasks + extra + (k["own"] + 32) * (nspawn - 1)
                add("numastat.%s.n%d.%s" % (lab, node, f), "%s node %d %s" % (lab, node, f),
                    kn[f], sn[f], "+%d+%d%%/-8" % (a, r * 100),
                    within(kn[f], sn[f], (a, r), lo=8), (8, a + r * sn[f]))
    kvm, svm = k["vmstat"], s["vmstat"]
    split = all(c in kvm and c in svm and o in kvm for c, _, o in COMPACT_VM)
    if split and kvm.get("compact_trace_lost"):
        add("guest", "the guest's compaction trace lost %d events" % kvm["compact_trace_lost"],
            "error", "-", "exact", False)
    for name in EXACT_VM + EVENT_VM + RECLAIM_VM:
        if name not in kvm or name not in svm:
            continue
        kv, sv = kvm[name], svm[name]
        what = "vmstat " + name
        part = dict((t, (c, o)) for c, t, o in COMPACT_VM).get(name)
        if split and part:
            # kcompactd's share is compared with the reclaim counters'
            # band; the rest of the migrations stay exact
            kv, sv = kvm[part[1]], sv - svm[part[0]]
            what += " (not compaction's)"
        if name in EXACT_VM and extra and name in ("pgmigrate_success", "numa_pages_migrated"):
            add("vmstat." + name, what, kv, sv, "+0..%d" % extra, 0 <= kv - sv <= extra)
        elif name in EXACT_VM:
            add("vmstat." + name, what, kv, sv, "exact", kv == sv)
        else:
            tol = TOL_EVENT if name in EVENT_VM else TOL_RECLAIM
            add("vmstat." + name, "vmstat " + name, kv, sv, "±%d+%d%%" % (tol[0], tol[1] * 100),
                within(kv, sv, tol), (tol[0] + tol[1] * sv,) * 2)
    return rows


def spread(values):
    """A comparison's values over several runs, as the table shows them:
    the one value when all are equal, `lo..hi` for counters, the distinct
    values in run order otherwise."""
    if all(v == values[0] for v in values):
        return values[0]
    if all(isinstance(v, int) for v in values):
        return "%d..%d" % (min(values), max(values))
    seen = []
    for v in values:
        if v not in seen:
            seen.append(v)
    return " | ".join(str(v) for v in seen)


def in_band(lo, hi, value, band):
    """Whether VALUE is an outcome of the spread [LO, HI] give or take
    BAND (below, above): HI - VALUE >= -below and LO - VALUE <= above."""
    return hi - value >= -band[0] and lo - value <= band[1]


def combine_runs(runs):
    """One trace run N times: RUNS holds each run's compare() rows (each
    run compared with numasim on the machine as that run found it). One
    row a comparison results. A counter with a band (numastat, pgfault,
    pgalloc, reclaim) agrees when every numasim run lies within its band
    of the kernel's spread, [lowest, highest] of the kernel's N runs: the
    kernel's run-to-run variation is part of what it does, and numasim's
    every run must be an outcome the kernel had, give or take the band.
    Any other comparison (return codes, statuses, placement, numa_maps,
    the exact counters) must agree in every run on its own. A comparison
    made in some runs only differs."""
    if len(runs) == 1:
        return runs[0]
    order, by = [], {}
    for rows in runs:
        for r in rows:
            if r["name"] not in by:
                order.append(r["name"])
                by[r["name"]] = []
            by[r["name"]].append(r)
    out = []
    for name in order:
        rs = by[name]
        ks, ss = [r["kernel"] for r in rs], [r["numasim"] for r in rs]
        row = {"name": name, "what": rs[0]["what"], "kernel": spread(ks), "numasim": spread(ss),
               "tolerance": rs[0]["tolerance"], "kernel_runs": ks, "numasim_runs": ss}
        if len(rs) < len(runs):
            row["agree"] = False
            row["what"] += " (in %d of %d runs)" % (len(rs), len(runs))
        elif all("band" in r for r in rs):
            lo, hi = min(ks), max(ks)
            row["agree"] = all(in_band(lo, hi, r["numasim"], r["band"]) for r in rs)
            row["tolerance"] += " of the spread"
        else:
            row["agree"] = all(r["agree"] for r in rs)
        out.append(row)
    return out


def kernel_boots_differ(runs, boot_of):
    """With runs from several boots (BOOT_OF[j]: run j's boot), the rule of
    combine_runs() applied to the kernel against itself: the banded
    comparisons where some boot's kernel values do not all lie within
    their band (each run's own, as compare() made it) of the other boots'
    spread together. Says how far one boot's kernel is from the others;
    it decides nothing."""
    boots = sorted(set(boot_of))
    if len(boots) < 2:
        return []
    by = {}
    for j, rows in enumerate(runs):
        for r in rows:
            if "band" in r:
                by.setdefault(r["name"], []).append((boot_of[j], r["kernel"], r["band"]))
    out = []
    for name, vals in by.items():
        for b in boots:
            others = [k for bb, k, _ in vals if bb != b]
            if not others:
                continue
            lo, hi = min(others), max(others)
            if not all(in_band(lo, hi, k, band) for bb, k, band in vals if bb == b):
                out.append(name)
                break
    return out


# ---- output ----------------------------------------------------------------------

def short(v, n=44):
    v = str(v)
    return v if len(v) <= n else v[:n - 1] + "…"


def text(res, out):
    f = res["machine"]
    out.write("verify: %s (%d nodes, %d MiB), Linux %s under %s: boot %.1f s, run %.1f s, wall %.1f s\n" % (
        f["topology"], f["nodes"], f["mib"], f["kernel"], f["accel"], f["boot_s"], f["run_s"], f["wall_s"]))
    if f.get("booted"):
        out.write("numasim runs the machine as booted (sim.boot_memmap=1): %s\n" % ", ".join(
            "node %d managed %d (memmap %d + reserved %d held)" % (int(n), b["managed"], b["memmap"], b["reserved"])
            for n, b in sorted(f["booted"].items(), key=lambda x: int(x[0]))))
    for b, x in enumerate(f.get("boots", []), 2):
        out.write("boot %d (the traces that ask for more boots): boot %.1f s, run %.1f s, wall %.1f s\n" % (
            b, x["boot_s"], x["run_s"], x["wall_s"]))
    for t in res["traces"]:
        out.write("\n== %s\n" % t["trace"])
        if t.get("runs", 1) * t.get("boots", 1) > 1:
            out.write("  run %d times, one after the other%s: a counter agrees when numasim's every run lies "
                      "within its tolerance of the kernel's spread (lowest..highest)\n" % (
                          t["runs"], " in each of %d boots" % t["boots"] if t.get("boots", 1) > 1 else ""))
        pb = f.get("pageblocks", {}).get(os.path.basename(t["trace"]))
        if pb:
            out.write("  numasim's pageblocks as the kernel's when the program started%s: %s\n" % (
                " (the first run)" if t.get("runs", 1) > 1 else "", ", ".join(
                "node %s %s %s" % (n, z, " ".join("%s %d (%d free%s)" % (
                    mt.lower(), v["blocks"], sum(c << o for o, c in enumerate(v["free"])),
                    ", %d unmanaged" % v["unmanaged"] if v.get("unmanaged") else "")
                    for mt, v in sorted(ts.items())))
                for n, zs in sorted(pb.items(), key=lambda x: int(x[0])) for z, ts in zs.items())))
        held = f.get("in_use", {}).get(os.path.basename(t["trace"]))
        if held:
            out.write("  and the kernel's free pages%s: numasim holds back %s more (in use in the kernel's "
                      "movable pageblocks)\n" % (" (the first run)" if t.get("runs", 1) > 1 else "", ", ".join(
                          "%d on node %s" % (d, n) for n, d in sorted(held.items(), key=lambda x: int(x[0])))))
        out.write("  %-34s %-44s %-44s %-12s %s\n" % ("comparison", "kernel", "numasim", "tolerance", "result"))
        for r in t["comparisons"]:
            if r["agree"] and not r["known"] and r["kernel"] == 0 and r["numasim"] == 0:
                continue     # a counter both left at zero: counted, not shown
            res_s = "agree" if r["agree"] else ("differs (known: %s)" % r["known"] if r["known"] else "DIFFERS")
            if r["agree"] and r["known"]:
                res_s = "agree (annotated: %s)" % r["known"]
            if r["name"].startswith("numa_maps") and r["agree"]:
                out.write("  %-34s %-44s %-44s %-12s %s\n" % (
                    short(r["what"], 34), short(r["kernel"]), "(same)", r["tolerance"], res_s))
            else:
                out.write("  %-34s %-44s %-44s %-12s %s\n" % (
                    short(r["what"], 34), short(r["kernel"]), short(r["numasim"]), r["tolerance"], res_s))
        tm = t.get("time") or {}
        if tm.get("kernel_s") is not None:
            out.write("  time: kernel %.3f s (guest clock, under %s), numasim %.3f s (wall): %s\n" % (
                tm["kernel_s"], f["accel"], tm["numasim_s"],
                "%.0fx" % tm["ratio"] if tm["ratio"] is not None else "-"))
        kruns = t.get("kswapd_runs") or [t.get("kswapd")]
        for n, ks in enumerate(kruns, 1):
            run = ", run %d" % n if len(kruns) > 1 else ""
            for nid, k in sorted((ks or {}).get("nodes", {}).items(), key=lambda x: int(x[0])):
                out.write("  kswapd%s (guest ftrace%s): %d wakeups, %d run within one more page allocation, "
                          "%d waited for the CPU while %d movable pages were allocated\n" % (
                              nid, run, k["wakeups"], k["at_once"], k["waited"], k["pages_waiting"]))
            fb = (ks or {}).get("fallbacks")
            if fb and fb["total"]:
                out.write("  fallbacks (guest ftrace%s): %d, %d of them less than a pageblock (each boosts "
                          "its zone): %s\n" % (run, fb["total"], fb["partial"], ", ".join(
                              "%s %d" % kv for kv in fb["kinds"].items())))
            if ks and ks["lost"]:
                out.write("  kswapd (guest ftrace%s): %d events lost (a full trace buffer): the counts above "
                          "are short\n" % (run, ks["lost"]))
        for cause in t.get("unneeded", []):
            out.write("  note: annotation not needed in this run: %s\n" % cause)
        if t.get("boots", 1) > 1:
            sd = t.get("kernel_boots_differ", [])
            out.write("  the kernel against itself, each boot's runs with the other boots' spread: %s\n" % (
                "%d comparisons differ (%s%s)" % (len(sd), ", ".join(sd[:3]), ", ..." if len(sd) > 3 else "")
                if sd else "agree"))
        out.write("  %s: %s\n" % (os.path.basename(t["trace"]), t["summary"]))
    out.write("\nverify: %s\n" % res["summary"])


def timing(kernel_ns, numasim_s):
    """The run's time on both sides: the guest program from its first trace
    process's fork to the last exit (the guest's CLOCK_MONOTONIC), and the
    `numasim run` of the same trace (host wall clock, start to exit, the
    JSON report included); ratio = kernel / numasim."""
    k = kernel_ns / 1e9 if kernel_ns is not None else None
    return {"kernel_s": round(k, 6) if k is not None else None, "numasim_s": round(numasim_s, 6),
            "ratio": round(k / numasim_s, 2) if k is not None and numasim_s > 0 else None}


def split_results(lines):
    """The results port, split by program: lines and exit status per name."""
    per, cur, rcs = {}, None, {}
    for line in lines:
        if line.startswith("BEGIN "):
            cur = line.split()[1]
            per[cur] = []
        elif line.startswith("END "):
            rcs[line.split()[1]] = int(line.split()[2])
            cur = None
        elif cur:
            per[cur].append(line)
    return per, rcs


def crash(problem):
    """A guest program that died (a signal, or its own FAULT line: an
    unexpected fault, said with its address and mappings, or a traced
    range over the program's own memory) compares nothing."""
    return "died of signal" in problem or problem.startswith("guest program: FAULT")


def boot_traces(topo, version, work, traces, nnodes, runs=None):
    """Runs every trace's program in one boot, RUNS[i] times for trace i
    (default once); returns per trace a list with one entry a run of its
    result lines, its exit status, its pageblocks as it started
    (pagetypes()) and its kswapd trace (kswapd_trace()), then the boot's
    facts and each node's managed pages as booted (booted_zones())."""
    runs = runs or [1] * len(traces)
    timeout = int(os.environ.get("NUMASIM_VERIFY_TIMEOUT", "900"))
    tree = build(traces, nnodes, work, runs)
    lines, facts = guest.boot(topo, version, work, tree, timeout)
    p, r = split_results(lines)
    out = []
    for i in range(len(traces)):
        names = [prog_name(i, n, runs[i]) for n in range(1, runs[i] + 1)]
        cpus = trace_cpus(traces[i])
        out.append([{"lines": p.get(x, []), "rc": r.get(x), "blocks": pagetypes(lines, x),
                     "free": zone_free(lines, x), "pcp": pcp_pages(lines, x, cpus),
                     "kswapd": kswapd_trace(lines, x)} for x in names])
    return out, facts, booted_zones(lines)


def kswapd_trace(lines, prog):
    """With NUMASIM_VERIFY_KSWAPD_TRACE, the guest prints the ftrace events
    of program prog's run as `KTRACE prog PAGES EVENT`, PAGES the movable
    page allocations (mm_page_alloc with __GFP_MOVABLE: page cache and
    anon) before the event. Per node: how often kswapd was woken
    (mm_vmscan_wakeup_kswapd), how many of those wakeups it ran within
    one more allocation (the switch to kswapdN), and the allocations made
    while the others waited. And the fallbacks into another migratetype's
    pageblock (mm_page_alloc_extfrag): how many, how many took less than
    a whole pageblock (each of those boosts its zone's watermarks,
    steal_suitable_fallback()), and how many of each kind ("movable into
    unmovable": the allocation's type, the pageblock's). None without
    the trace."""
    nodes, pending, lost, seen = {}, {}, 0, False
    falls = {"total": 0, "partial": 0, "kinds": {}}
    for line in lines:
        w = line.split(None, 3)
        if len(w) < 4 or w[0] != "KTRACE" or w[1] != prog:
            continue
        seen = True
        if w[2] == "LOST":
            lost = int(w[3])
            continue
        pages, ev = int(w[2]), w[3]
        m = re.search(r"mm_page_alloc_extfrag: .*\bfallback_order=(\d+) pageblock_order=(\d+) "
                      r"alloc_migratetype=(\d+) fallback_migratetype=(\d+)", ev)
        if m:
            falls["total"] += 1
            falls["partial"] += int(m.group(1)) < int(m.group(2))
            kind = "%s into %s" % (MIGRATETYPES.get(int(m.group(3)), m.group(3)),
                                   MIGRATETYPES.get(int(m.group(4)), m.group(4)))
            falls["kinds"][kind] = falls["kinds"].get(kind, 0) + 1
            continue
        m = re.search(r"mm_vmscan_wakeup_kswapd: nid=(\d+)", ev)
        if m:
            nid = int(m.group(1))
            st = nodes.setdefault(nid, {"wakeups": 0, "at_once": 0, "waited": 0, "pages_waiting": 0})
            st["wakeups"] += 1
            pending[nid] = pages
            continue
        m = re.search(r"next_comm=kswapd(\d+)", ev)
        if m and pending.get(int(m.group(1))) is not None:
            nid = int(m.group(1))
            gap = pages - pending.pop(nid)
            st = nodes[nid]
            if gap <= 1:
                st["at_once"] += 1
            else:
                st["waited"] += 1
                st["pages_waiting"] += gap
    if not seen:
        return None
    falls["kinds"] = dict(sorted(falls["kinds"].items()))
    return {"nodes": {str(n): v for n, v in sorted(nodes.items())}, "fallbacks": falls, "lost": lost}


# enum migratetype's first three, as mm_page_alloc_extfrag prints them
MIGRATETYPES = {0: "unmovable", 1: "movable", 2: "reclaimable"}


ZONES = ("DMA", "DMA32", "Normal", "Movable")   # numasim's (no Device)


def booted_zones(lines):
    """The guest's /proc/zoneinfo before the first program, as its init
    prints it (`ZONE node zone present managed`): node -> [(zone, managed
    pages)] of its populated zones, lowest first."""
    zones = {}
    for line in lines:
        w = line.split()
        if len(w) == 5 and w[0] == "ZONE" and w[1].isdigit() and w[2] in ZONES and int(w[3]):
            zones.setdefault(int(w[1]), []).append((w[2], int(w[4])))
    return zones


def booted_managed(zones):
    """node -> its zones' managed pages, summed."""
    return {n: sum(m for _, m in zs) for n, zs in zones.items()}


# a free-list row of /proc/pagetypeinfo: node, zone, migratetype, the
# free blocks of each order
PTI_FREE = re.compile(r"Node\s+(\d+), zone\s+(\S+), type\s+(\S+)\s+([\d\s]+)$")


def pcp_pages(lines, prog, cpus):
    """The pages on the per-CPU lists of CPUS as program PROG started,
    from the guest's /proc/zoneinfo (`PCP PROG node zone cpu count`):
    node -> pages over those CPUs and every zone of the node."""
    out = {}
    for w in tagged(lines, "PCP", prog):
        if len(w) == 4 and int(w[2]) in cpus:
            out[int(w[0])] = out.get(int(w[0]), 0) + int(w[3])
    return out


def trace_cpus(path):
    """The CPUs a trace's tasks run on: its spawns' `cpu=` and its
    affinity records' `cpus=` (CPU 0 when it names none); build() has
    had trace2c parse the trace, so its CPU lists are well formed."""
    cpus = set()
    for line in open(path):
        w = line.split()
        if len(w) > 1 and w[1] in ("spawn", "affinity"):
            for x in w[2:]:
                k, _, v = x.partition("=")
                if k in ("cpu", "cpus"):
                    cpus.update(guest.cpu_ranges(v))
    return cpus or {0}


def tagged(lines, tag, prog):
    """The words of each line the guest's init printed for program PROG
    with TAG (`TAG PROG ...`), the prefix dropped."""
    for line in lines:
        w = line.split()
        if len(w) >= 3 and w[0] == tag and w[1] == prog:
            yield w[2:]


def pti_lines(lines, prog):
    """The words of each /proc/pagetypeinfo line the guest's init printed
    as program PROG started (prefixed `PTI PROG`), the prefix dropped."""
    return tagged(lines, "PTI", prog)


def pagetypes(lines, prog):
    """The guest's /proc/pagetypeinfo as program PROG started (its init
    prints it prefixed `PTI PROG`): node -> zone -> migratetype ->
    {"blocks": pageblocks, "free": [free blocks per order]}, for the
    Unmovable and Reclaimable pageblocks (the `pageblocks` topology key)."""
    out, cols = {}, None
    for w in pti_lines(lines, prog):
        text_ = " ".join(w)
        if text_.startswith("Number of blocks type"):
            cols = w[4:]
            continue
        m = PTI_FREE.match(text_)
        if m:
            if m.group(3) in ("Unmovable", "Reclaimable") and m.group(2) in ZONES:
                t = out.setdefault(int(m.group(1)), {}).setdefault(m.group(2), {}).setdefault(m.group(3), {})
                t["free"] = [int(x) for x in m.group(4).split()]
            continue
        m = re.match(r"Node (\d+), zone\s+(\S+)\s+([\d\s]+)$", text_)
        if m and cols and m.group(2) in ZONES:
            counts = dict(zip(cols, [int(x) for x in m.group(3).split()]))
            for mt in ("Unmovable", "Reclaimable"):
                if counts.get(mt):
                    out.setdefault(int(m.group(1)), {}).setdefault(m.group(2), {}) \
                        .setdefault(mt, {})["blocks"] = counts[mt]
    # a type with free pages listed but no pageblock of its own (free
    # pages of it in another type's pageblock) cannot be described
    for zs in out.values():
        for z in list(zs):
            zs[z] = {mt: v for mt, v in zs[z].items() if v.get("blocks")}
            for v in zs[z].values():
                v.setdefault("free", [])
                while sum(c << o for o, c in enumerate(v["free"])) > v["blocks"] * 512:
                    v["free"][max(o for o, c in enumerate(v["free"]) if c)] -= 1
            if not zs[z]:
                del zs[z]
    return out


def zone_free(lines, prog):
    """The free pages of each zone as program PROG started: every
    migratetype's free blocks in /proc/pagetypeinfo (the buddy lists; the
    per-CPU lists are not in it): node -> zone -> pages."""
    out = {}
    for w in pti_lines(lines, prog):
        m = PTI_FREE.match(" ".join(w))
        if m and m.group(2) in ZONES:
            z = out.setdefault(int(m.group(1)), {})
            z[m.group(2)] = z.get(m.group(2), 0) + sum(int(c) << o for o, c in enumerate(m.group(4).split()))
    return out


SECTION = 128 << 20     # x86-64 SECTION_SIZE_BITS 27
STRUCT_PAGE = 64        # sizeof(struct page)


# The guest's disk read as its programs see it under TCG: a reader of
# 200 MiB through the page cache takes 26.7-27.1 us of guest time a page
# (the eight-node machine under 6.12: the program's guest time less
# kswapd's, and the reader's own CPU time in an ftrace of sched_switch),
# its CPU busy all along (the emulated device costs CPU time).
GUEST_DISK_READ_MBPS = 150


def unmanaged_pages(pb, managed, kfree):
    """Pages of a zone's pageblocks PB (pagetypes()) that the zone does
    not manage: {migratetype: pages}. The guest's DMA zone manages 3840
    pages, yet its unmovable pageblock (pfn 0-511) lies over the holes
    and boot reservations below 1 MiB: 256 of its 512 pages are not
    managed. Given as a zone of 3840 pages, numasim would hold all of
    that pageblock but its free pages and start with 256 fewer free than
    the kernel's KFREE. So where numasim would have fewer free pages than
    the kernel and the managed pages end short of a pageblock boundary,
    the pages up to that boundary are the pageblocks' unmanaged ones: the
    unmovable (top) pageblocks first, each at most its pages not free."""
    room = {mt: v["blocks"] * 512 - sum(c << o for o, c in enumerate(v["free"])) for mt, v in pb.items()}
    pad = -managed % 512
    out = {}
    if kfree <= managed - sum(room.values()):
        return out
    for mt in ("Unmovable", "Reclaimable"):
        if pad and room.get(mt):
            out[mt] = min(pad, room[mt])
            pad -= out[mt]
    return out


def booted_topology(topo, zones, work, blocks=None, name="booted-topology.json", free=None):
    """The topology as the kernel booted it, for numasim's run with
    sim.boot_memmap=1: each node's zones as the kernel's (every zone but
    the highest as large as its managed pages, the highest the rest), and
    its `reserved` what the kernel holds back on that node (present minus
    managed, holes included) beyond the memmap numasim holds itself (64
    bytes a page, whole 128 MiB sections), all of it from the highest
    zone as the kernel's is; with BLOCKS (pagetypes()), each zone's
    unmovable and reclaimable pageblocks and their free pages as the
    program started (`pageblocks`), and with FREE (zone_free()) the
    pages of those pageblocks the zone does not manage (unmanaged_pages():
    the zone grows by them and `reserved` shrinks, so that its managed
    pages stay the kernel's); its block devices read at the guest's speed
    (GUEST_DISK_READ_MBPS). Returns (the path written, per node facts), or
    (None, {}) when the guest said nothing of its zones."""
    if not zones:
        return None, {}
    managed = booted_managed(zones)
    page = int(topo.get("page_size", 4096))
    booted = json.loads(json.dumps(topo))
    held = {}
    for n in booted["nodes"]:
        if n["id"] not in managed:
            return None, {}
        nbytes = guest.mib(n["memory"]) << 20
        memmap = -(-nbytes // SECTION) * (((SECTION // page) * STRUCT_PAGE + page - 1) // page)
        kept = managed[n["id"]]
        reserved = max(0, nbytes // page - memmap - kept)
        n["reserved"] = "%dKiB" % (reserved * page >> 10)
        zs = zones[n["id"]]
        lower = sum(m for _, m in zs[:-1])
        if zs and lower <= nbytes // page - memmap - reserved:
            n["zones"] = {z: "%dKiB" % (m * page >> 10) for z, m in zs[:-1]}
            n["zones"][zs[-1][0]] = "%dKiB" % ((nbytes // page - lower) * page >> 10)
        held[n["id"]] = {"managed": kept, "memmap": memmap, "reserved": reserved}
        pb = (blocks or {}).get(n["id"])
        if pb and "zones" in n:
            n["pageblocks"] = {z: json.loads(json.dumps(v)) for z, v in pb.items() if z in n["zones"]}
            grow = {}
            for z, v in n["pageblocks"].items():
                kfree = ((free or {}).get(n["id"]) or {}).get(z)
                if kfree is None:
                    continue
                um = unmanaged_pages(v, dict(zs)[z], kfree)
                take = min(sum(um.values()), reserved)
                for mt, pages in um.items():
                    pages = min(pages, take)
                    if pages:
                        v[mt]["unmanaged"] = pages
                        grow[z] = grow.get(z, 0) + pages
                        take -= pages
                        reserved -= pages
            if grow:
                # the zones grow by their unmanaged pages and the node
                # holds as many fewer (its managed pages unchanged)
                sizes = {z: m + grow.get(z, 0) for z, m in zs[:-1]}
                n["zones"] = {z: "%dKiB" % (m * page >> 10) for z, m in sizes.items()}
                n["zones"][zs[-1][0]] = "%dKiB" % ((nbytes // page - sum(sizes.values())) * page >> 10)
                n["reserved"] = "%dKiB" % (reserved * page >> 10)
                held[n["id"]]["reserved"] = reserved
            held[n["id"]]["pageblocks"] = n["pageblocks"]
    for d in booted.get("devices", []):
        if d.get("type", "block") == "block":
            d["read_MBps"] = GUEST_DISK_READ_MBPS
    path = os.path.join(work, name)
    with open(path, "w") as f:
        json.dump(booted, f, indent=1)
    return path, held


def match_free(numasim, path, version, extra, kfree, pcp, held, work):
    """The pages the kernel had in use in its movable pageblocks as a
    program started (page tables, slab that fell back there, what earlier
    programs left) are free on numasim's side of PATH, which knows only
    the boot's managed pages and the unmovable and reclaimable
    pageblocks: numasim starts the trace's topology once with no records
    and, per node, holds as many more pages back (`reserved`, from the
    highest zone) as it has free above the kernel's free pages: those of
    its buddy lists (KFREE, zone_free()) and those on the per-CPU lists
    of the CPUs the trace runs on (PCP, pcp_pages(): numasim's lists
    start empty, so those count as free, while the pages on other CPUs'
    lists are of no use to the trace's tasks); a node with fewer gets
    back what it holds. Updates HELD and rewrites PATH;
    returns {node: pages held more}."""
    empty = os.path.join(work, "empty.trace")
    if not os.path.exists(empty):
        with open(empty, "w") as f:
            f.write("# numasim trace v1\n")
    out = os.path.join(work, "free.json")
    p = sh([numasim, "run", "-t", path, "-w", empty, "--format", "json", "-o", out, "--no-progress"] +
           sim_sets(version, extra))
    if p.returncode:
        raise BadInput("numasim run %s: %s" % (path, (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[0]))
    sfree = {n["id"]: n["free_pages"] for n in json.load(open(out))["nodes"]}
    topo = json.load(open(path))
    page = int(topo.get("page_size", 4096))
    more = {}
    for n in topo["nodes"]:
        k = kfree.get(n["id"])
        if not k or n["id"] not in held or n["id"] not in sfree:
            continue
        d = max(sfree[n["id"]] - sum(k.values()) - pcp.get(n["id"], 0), -held[n["id"]]["reserved"])
        if d:
            held[n["id"]]["reserved"] += d
            n["reserved"] = "%dKiB" % (held[n["id"]]["reserved"] * page >> 10)
            more[n["id"]] = d
    with open(path, "w") as f:
        json.dump(topo, f, indent=1)
    return more


def main(argv):
    if len(argv) < 6:
        sys.stderr.write(__doc__)
        return 2
    numasim, topo_path, version, fmt = argv[1:5]
    traces = argv[5:]
    extra = []     # --set sim.NAME=V: numasim's side only (docs/verify.md)
    while len(traces) >= 2 and traces[0] == "--set":
        extra.append(traces[1])
        traces = traces[2:]
    try:
        try:
            topo = json.load(open(topo_path))
        except (OSError, ValueError) as e:
            raise BadInput("%s: %s" % (topo_path, e))
        nnodes = len(topo["nodes"])
        if [n["id"] for n in topo["nodes"]] != list(range(nnodes)):
            raise BadInput("%s: verify needs nodes numbered 0..%d" % (topo_path, nnodes - 1))
        machine = topo.get("name", os.path.basename(topo_path)[:-5])
        try:
            guest.check_topology(topo)
        except guest.TopoError as e:
            raise BadInput(str(e))
        annots = {t: annotations(t) for t in traces}
        runs = [runs_of(t) for t in traces]
        boots = [boots_of(t) for t in traces]
        work = tempfile.mkdtemp(prefix="numasim-verify-")
        try:
            # numasim first as the topology says, so that a trace it
            # refuses costs no boot; then, for the comparison, on the
            # machine as the kernel booted it, unless the topology or a
            # --set already says what is held at boot
            for t in traces:
                sim_side(numasim, topo_path, t, work, version, extra)
            per, facts, zones = boot_traces(topo, version, work, traces, nnodes, runs)
            own = any("reserved" in n for n in topo["nodes"]) or \
                any(kv.startswith("sim.boot_memmap=") for kv in extra)
            booted, held = booted_topology(topo, {} if own else zones, work)
            facts["booted"] = held

            def simulate(t, runs_i, per_i, zones, work, boot, index):
                # each trace on the machine as its program found it: the
                # pageblocks of each migratetype and their free pages
                # (each run of a trace run several times as that run
                # found it); INDEX is the trace's number in boot BOOT
                label = "" if boot == 1 else "@boot%d" % boot
                for n, run in enumerate(per_i, 1):
                    name = prog_name(index, n, runs_i)
                    run["index"] = index
                    run["boot"] = boot
                    path, h = booted_topology(topo, {} if own else zones, work, run["blocks"],
                                              "booted-topology-%s.json" % name, run["free"])
                    if path:
                        key = os.path.basename(t) + label + ("" if n == 1 else "#%d" % n)
                        facts.setdefault("pageblocks", {})[key] = {
                            n_: x["pageblocks"] for n_, x in h.items() if "pageblocks" in x}
                        facts.setdefault("in_use", {})[key] = match_free(
                            numasim, path, version, extra + ["sim.boot_memmap=1"], run["free"], run["pcp"],
                            h, work)
                    run["sim"] = sim_side(numasim, path or topo_path, t, work, version,
                                          extra + (["sim.boot_memmap=1"] if path else []),
                                          name)

            for i, t in enumerate(traces):
                simulate(t, runs[i], per[i], zones, work, 1, i)
            # the traces that ask for more boots (verify-boots), each boot
            # with only them, in a work directory of its own
            for b in range(2, max(boots) + 1):
                sel = [i for i in range(len(traces)) if boots[i] >= b]
                wb = os.path.join(work, "boot%d" % b)
                os.makedirs(wb)
                try:
                    per_b, facts_b, zones_b = boot_traces(topo, version, wb, [traces[i] for i in sel],
                                                          nnodes, [runs[i] for i in sel])
                except guest.RunError as e:
                    raise guest.RunError(re.sub(r"during program t(\d+)\b", lambda m: "during program t%d" % (
                        sel[int(m.group(1))] if int(m.group(1)) < len(sel) else int(m.group(1))),
                        "boot %d: %s" % (b, e)))
                facts.setdefault("boots", []).append(
                    {k: facts_b.get(k) for k in ("kernel", "accel", "boot_s", "run_s", "wall_s")})
                for j, i in enumerate(sel):
                    simulate(traces[i], runs[i], per_b[j], zones_b, wb, b, j)
                    per[i].extend(per_b[j])
        finally:
            if not os.environ.get("NUMASIM_VERIFY_KEEP"):
                shutil.rmtree(work, ignore_errors=True)
            else:
                sys.stderr.write("verify: work directory kept: %s\n" % work)
    except BadInput as e:
        sys.stderr.write("numasim verify: %s\n" % e)
        return 2
    except guest.GuestError as e:
        sys.stderr.write("numasim verify: cannot run the kernel: %s\n" % e)
        return 2
    except guest.RunError as e:
        # name the trace whose program was running (t<i> in the guest)
        msg = re.sub(r"during program t(\d+)\b", lambda m: "during %s" % (
            os.path.basename(traces[int(m.group(1))]) if int(m.group(1)) < len(traces)
            else m.group(0)), str(e))
        sys.stderr.write("numasim verify: the guest failed: %s\n" % msg)
        return 2
    facts.update({"topology": machine, "nodes": nnodes,
                  "mib": sum(guest.mib(n["memory"]) for n in topo["nodes"])})
    res = {"machine": facts, "traces": []}
    differ = 0
    crashed = []   # a guest program killed by a signal: the emulated run failed
    for i, trace in enumerate(traces):
        ks = []
        for run in per[i]:
            k = kernel_side(run["lines"], "%s/%d" % (ROOT, run.get("index", i)))
            if run["rc"] != 0:
                k["problems"].append("the guest program exited %s" % (
                    "(never ran)" if run["rc"] is None else run["rc"]))
            crashed += [(trace, p) for p in k["problems"] if crash(p)]
            ks.append(k)
        ntasks = sum(1 for line in open(trace) if re.match(r"\S+\s+(spawn|fork|thread)\b", line))
        text_ = open(trace).read()
        # each migrate_pages, cpuset attach or mems change may move the
        # program's own pages once more (they start wherever exec ran)
        whole = len(re.findall(r"^\S+\s+(?:migrate_pages|cpuset\s+action=(?:attach|set))\b", text_, re.M))
        nspawn = len(re.findall(r"^\S+\s+spawn\b", text_, re.M))
        names = set(re.findall(r"^\S+\s+mmap\b.*\bname=(\S+)", text_, re.M))
        each = [compare(k, run["sim"], nnodes, max(ntasks, 1), whole, max(nspawn, 1), names)
                for k, run in zip(ks, per[i])]
        rows = combine_runs(each)
        self_differ = kernel_boots_differ(each, [run.get("boot", 1) for run in per[i]])
        nd = nk = 0
        for r in rows:
            r["known"] = known_cause(annots[trace], r["name"], version, machine)
            if not r["agree"]:
                if r["known"]:
                    nk += 1
                else:
                    nd += 1
        causes = sorted({r["known"] for r in rows if r["known"] and not r["agree"]})
        # annotations of this kernel and machine that no differing
        # comparison needed in this run (stale, or a difference that
        # comes and goes): said, never a failure
        unneeded = sorted({cause for pat, cond, cause in annots[trace]
                           if cond.get("kernel", version) == version
                           and cond.get("machine", machine) == machine} - set(causes))
        if nd:
            summary = "DIFFERS: %d of %d comparisons" % (nd, len(rows))
            verdict = "differ"
        elif nk:
            summary = "differs as annotated (%d of %d comparisons): %s" % (nk, len(rows), "; ".join(causes))
            verdict = "known"
        else:
            summary = "agrees (%d comparisons)" % len(rows)
            verdict = "agree"
        differ += nd
        res["traces"].append({"trace": trace, "runs": runs[i], "boots": boots[i],
                              "result": verdict, "summary": summary,
                              "causes": causes, "unneeded": unneeded, "comparisons": rows,
                              "kernel_boots_differ": self_differ,
                              "time": timing(ks[0]["elapsed_ns"], per[i][0]["sim"]["wall_s"]),
                              "kswapd": per[i][0]["kswapd"]})
        if len(per[i]) > 1:
            res["traces"][-1]["kswapd_runs"] = [run["kswapd"] for run in per[i]]
    n = len(traces)
    agree = sum(1 for t in res["traces"] if t["result"] == "agree")
    known = sum(1 for t in res["traces"] if t["result"] == "known")
    res["summary"] = "%d trace%s: %d agree, %d differ as annotated, %d differ" % (
        n, "" if n == 1 else "s", agree, known, n - agree - known)
    if os.environ.get("NUMASIM_VERIFY_JSON"):
        with open(os.environ["NUMASIM_VERIFY_JSON"], "w") as f:
            json.dump(res, f, indent=1)
    if fmt == "json":
        json.dump(res, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        text(res, sys.stdout)
    if crashed:
        # The test program itself died: no comparison of kernel and
        # numasim can be made, so this is a failed run, not a difference.
        # Never retried: the program's FAULT lines say where it died.
        sys.stderr.write("numasim verify: the guest failed: %s: %s\n" % (
            os.path.basename(crashed[0][0]), crashed[0][1]))
        return 2
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
