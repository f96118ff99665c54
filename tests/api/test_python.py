"""Checks of python/numasim.py against independently known answers.

Run by tests/api/test_python.sh: argv[1] is the numasim binary. Without
pandas (NUMASIM_NO_PANDAS=1) tables are lists of dicts.
"""
import json
import os
import subprocess
import sys

import numasim

failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what)


def cli(*args):
    return subprocess.run([sys.argv[1]] + list(args), check=True, capture_output=True, text=True).stdout


# errors come as NumasimError with the header's code and the CLI's words
try:
    numasim.Simulation("no-such-machine")
    check(False, "unknown topology raises")
except numasim.NumasimError as e:
    check(e.code == numasim.E_NOTFOUND and "unknown topology 'no-such-machine'" in str(e), str(e))
try:
    numasim.Simulation("ring4", set={"vm.swappiness": "lots"})
    check(False, "bad value raises")
except numasim.NumasimError as e:
    check(e.code == numasim.E_INPUT, "bad value code %d" % e.code)
s = numasim.Simulation("ring4")
s.trace_string("# numasim trace v1\n@0ns frobnicate pid=1\n", "broken")
try:
    s.run()
    check(False, "bad trace raises")
except numasim.NumasimError as e:
    check(e.code == numasim.E_INPUT and str(e).startswith("broken:2:"), str(e))
s.close()

# two simulations side by side, in steps: the CLI's bytes
want_a = cli("run", "-t", "ring4", "-w", "default", "--format", "json")
want_b = cli("run", "-t", "toy4", "-w", "numa-balancing", "--set", "kernel.numa_balancing=1",
             "--format", "json")
a = numasim.Simulation("ring4", "default")
b = numasim.Simulation("toy4", "numa-balancing", set={"kernel.numa_balancing": 1})
for t in range(0, 300, 7):
    a.run(until="%dms" % t)
    b.run(until=t * 1000000)
    check(a.now == t * 1000000 or a.done, "clock at %d ms" % t)
a.run()
b.run()
check(a.report("json") == want_a, "handle a = numasim run -t ring4 -w default")
check(b.report("json") == want_b, "handle b = numasim run -t toy4 -w numa-balancing")
check(a.report("text") == cli("run", "-t", "ring4", "-w", "default"), "text report")
check(a.report_dict()["workload"]["name"] == "default", "report_dict")

# counters: first touch on node 1 (CPU 2 of ring4), by hand
s = numasim.Simulation("ring4")
s.trace_lines(["@0ns spawn pid=1 cpu=2", "@0ns mmap pid=1 addr=0x10000000 len=4MiB",
               "@0ns touch pid=1 addr=0x10000000 len=4MiB"])
s.run()
check([s.node_counter(n, "anon_pages") for n in range(4)] == [0, 1024, 0, 0], "first touch")
check(s.vmstat("pgfault") == 1024 and s.counter("accesses.local_ratio") == 1.0, "pgfault, local")
check(s.task_counter(1, "node") == 1 and s.access_count(1, 1) == 1024, "task and matrix")
nodes = numasim.rows_of(s.nodes())
check(len(nodes) == 4 and nodes[1]["anon_pages"] == 1024 and nodes[1]["local_node"] == 1024, "nodes()")
check(numasim.rows_of(s.tasks())[0]["pid"] == 1, "tasks()")
m = s.access_matrix()
check((m[1][1] if isinstance(m, list) else m.loc["node1", "node1"]) == 1024, "access_matrix()")

# a stream, fed between steps
s = numasim.Simulation("ring4")
s.trace_stream()
s.trace_line("@0ns spawn pid=1 cpu=4")
s.run(until="1ms")
s.trace_lines(["@2ms mmap pid=1 addr=0x10000000 len=1MiB", "@2ms touch pid=1 addr=0x10000000 len=1MiB"])
s.run()
check(not s.done and s.node_counter(2, "anon_pages") == 256, "stream: 1 MiB first-touched on node 2")
s.trace_end()
s.run()
check(s.done, "stream ended")

# compare: a row per variant, in order, equal to separate CLI runs
res = numasim.compare("ring4", "numa-balancing", ["kernel.numa_balancing=0", {"kernel.numa_balancing": 1}])
rows = numasim.rows_of(res)
check([r["variant"] for r in rows] == ["kernel.numa_balancing=0", "kernel.numa_balancing=1"], "variants")
for r, v in zip(rows, ("0", "1")):
    rep = json.loads(cli("run", "-t", "ring4", "-w", "numa-balancing", "--set",
                         "kernel.numa_balancing=" + v, "--format", "json"))
    # the JSON text carries 10 significant digits (docs/report.md)
    check(abs(r["local_ratio"] - rep["accesses"]["local_ratio"]) < 1e-9, "local_ratio " + v)
    check(r["pgmigrate_success"] == rep["vmstat"]["pgmigrate_success"], "pgmigrate_success " + v)
check(isinstance(res, list) == bool(os.environ.get("NUMASIM_NO_PANDAS")), "table type")
check(numasim.parse_time("1500us") == 1500000, "parse_time")

print("test_python: %s" % ("%d failure(s)" % failures if failures else "all passed"))
sys.exit(1 if failures else 0)
