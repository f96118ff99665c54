"""numasim from Python: run simulations of Linux NUMA memory management.

A thin ctypes binding of libnumasim (include/numasim.h, docs/api.md); no
compiler needed. Tables come as pandas DataFrames when pandas is
importable (Debian: python3-pandas) and as lists of dicts otherwise;
plotting needs matplotlib (python3-matplotlib). Documented in
docs/python.md.

The library is found, in order: $NUMASIM_LIB (a path to libnumasim.so);
beside this file in a source tree (../build/libnumasim.so.1, or
$NUMASIM_BUILD/libnumasim.so.1); in the install prefix this file was
installed under (<prefix>/share/numasim/python/numasim.py ->
<prefix>/lib*/libnumasim.so.1); the system's library path.
"""

import ctypes
import ctypes.util
import glob
import json
import os
import re

API_MAJOR = 1

E_ARG, E_INPUT, E_STATE, E_NOTFOUND, E_IO, E_NOMEM = -1, -2, -3, -4, -5, -6


class NumasimError(Exception):
    """A failed call: .code is the NUMASIM_E_* value, str() the message."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def _candidates():
    env = os.environ.get("NUMASIM_LIB")
    if env:
        yield env
        return
    here = os.path.dirname(os.path.abspath(__file__))
    builds = [os.environ.get("NUMASIM_BUILD", ""), os.path.join(here, "..", "build")]
    for b in builds:
        if b:
            yield os.path.join(b, "libnumasim.so.%d" % API_MAJOR)
    prefix = os.path.normpath(os.path.join(here, "..", "..", ".."))
    for p in sorted(glob.glob(os.path.join(prefix, "lib*", "libnumasim.so.%d" % API_MAJOR)) +
                    glob.glob(os.path.join(prefix, "lib*", "*", "libnumasim.so.%d" % API_MAJOR))):
        yield p
    found = ctypes.util.find_library("numasim")
    if found:
        yield found


def _load():
    tried = []
    for path in _candidates():
        if os.path.sep in path and not os.path.exists(path):
            tried.append(path)
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
            continue
        return _declare(lib)
    raise ImportError("numasim: libnumasim.so.%d not found (set NUMASIM_LIB); tried: %s"
                      % (API_MAJOR, ", ".join(tried) or "nothing"))


def _declare(lib):
    c = ctypes
    h, s, i, i64p, dp = c.c_void_p, c.c_char_p, c.c_int, c.POINTER(c.c_int64), c.POINTER(c.c_double)
    sigs = {
        "numasim_api_version": (i, []), "numasim_version": (s, []),
        "numasim_create": (h, []), "numasim_destroy": (None, [h]),
        "numasim_errmsg": (s, [h]), "numasim_errcode": (i, [h]),
        "numasim_load_topology": (i, [h, s]), "numasim_load_topology_string": (i, [h, s, s]),
        "numasim_nr_nodes": (i, [h]),
        "numasim_set": (i, [h, s, s]), "numasim_get": (i, [h, s, i64p]),
        "numasim_set_check": (i, [h, i]), "numasim_set_timeseries": (i, [h, c.c_uint64]),
        "numasim_trace_file": (i, [h, s]), "numasim_trace_string": (i, [h, s, s]),
        "numasim_trace_line": (i, [h, s]),
        "numasim_trace_stream": (i, [h]), "numasim_trace_end": (i, [h]),
        "numasim_run": (i, [h]), "numasim_run_until": (i, [h, c.c_uint64]),
        "numasim_done": (i, [h]), "numasim_now": (c.c_uint64, [h]),
        "numasim_node_counter": (i, [h, i, s, i64p]), "numasim_vmstat": (i, [h, s, i64p]),
        "numasim_access_count": (i, [h, i, i, i64p]), "numasim_nr_tasks": (i, [h]),
        "numasim_task_pid": (i, [h, i]), "numasim_task_counter": (i, [h, i, s, i64p]),
        "numasim_counter": (i, [h, s, dp]),
        "numasim_expects_passed": (c.c_int64, [h]), "numasim_expects_failed": (c.c_int64, [h]),
        "numasim_report_path": (i, [h, s, s]),
        "numasim_report_buffer": (i, [h, s, c.POINTER(c.c_void_p), c.POINTER(c.c_size_t)]),
        "numasim_free": (None, [c.c_void_p]),
    }
    for name, (res, args) in sigs.items():
        f = getattr(lib, name)
        f.restype = res
        f.argtypes = args
    if lib.numasim_api_version() // 100 != API_MAJOR:
        raise ImportError("numasim: library API %d, this module needs %d.x"
                          % (lib.numasim_api_version(), API_MAJOR))
    return lib


_lib = None


def library():
    """The loaded libnumasim (ctypes.CDLL), loaded on first use."""
    global _lib  # the loaded shared object, one per process like any import
    if _lib is None:
        _lib = _load()
    return _lib


def version():
    """numasim's release, e.g. '0.1.0'."""
    return library().numasim_version().decode()


# ---- tables -----------------------------------------------------------------

def _use_pandas():
    if os.environ.get("NUMASIM_NO_PANDAS"):
        return None
    try:
        import pandas
        return pandas
    except ImportError:
        return None


def table(rows):
    """rows (a list of dicts) as a pandas DataFrame, or as they are without pandas."""
    pd = _use_pandas()
    return pd.DataFrame(rows) if pd is not None else rows


def rows_of(t):
    """A table back as a list of dicts (DataFrame or list)."""
    return t.to_dict("records") if hasattr(t, "to_dict") else list(t)


_UNITS = {"ns": 1, "us": 1000, "ms": 1000000, "s": 1000000000}


def parse_time(t):
    """Nanoseconds from an int or '1500us', '2ms', '1s' (as in traces)."""
    if isinstance(t, int):
        return t
    m = re.fullmatch(r"\s*(\d+)\s*(ns|us|ms|s)?\s*", str(t))
    if not m:
        raise ValueError("bad time %r: an integer with ns, us, ms or s" % (t,))
    return int(m.group(1)) * _UNITS[m.group(2) or "ns"]


# ---- one simulation ------------------------------------------------------------

class Simulation:
    """One simulation (a numasim_t handle); see docs/python.md.

    Simulation(topology="ring4", trace="default", set={"vm.zone_reclaim_mode": 1},
               seed=None, check=False, timeseries=None)
    """

    def __init__(self, topology=None, trace=None, set=None, seed=None, check=False,
                 timeseries=None):
        self._lib = library()
        self._h = self._lib.numasim_create()
        if not self._h:
            raise MemoryError("numasim_create")
        if topology is not None:
            self.load_topology(topology)
        for k, v in (set or {}).items():
            self.set(k, v)
        if seed is not None:
            self.set("sim.seed", seed)
        if check:
            self._call(self._lib.numasim_set_check, 1)
        if timeseries is not None:
            self._call(self._lib.numasim_set_timeseries, parse_time(timeseries))
        if trace is not None:
            self.trace_file(trace)

    def close(self):
        if getattr(self, "_h", None):
            self._lib.numasim_destroy(self._h)
            self._h = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _call(self, f, *args):
        if not self._h:
            raise NumasimError(E_STATE, "numasim: the simulation is closed")
        rc = f(self._h, *args)
        if rc < 0:
            raise NumasimError(rc, self._lib.numasim_errmsg(self._h).decode())
        return rc

    # machine and tunables
    def load_topology(self, path_or_name):
        self._call(self._lib.numasim_load_topology, str(path_or_name).encode())

    def load_topology_string(self, text, name=None):
        self._call(self._lib.numasim_load_topology_string, text.encode(),
                   name.encode() if name else None)

    @property
    def nr_nodes(self):
        return self._lib.numasim_nr_nodes(self._h)

    def set(self, name, value):
        self._call(self._lib.numasim_set, name.encode(), str(value).encode())

    def get(self, name):
        v = ctypes.c_int64()
        self._call(self._lib.numasim_get, name.encode(), ctypes.byref(v))
        return v.value

    # workload
    def trace_file(self, path_or_name):
        self._call(self._lib.numasim_trace_file, str(path_or_name).encode())

    def trace_string(self, text, name=None):
        self._call(self._lib.numasim_trace_string, text.encode(), name.encode() if name else None)

    def trace_line(self, line):
        self._call(self._lib.numasim_trace_line, line.encode())

    def trace_lines(self, lines):
        for line in lines:
            self.trace_line(line)

    def trace_stream(self):
        """Lines may be appended while the simulation runs (docs/api.md)."""
        self._call(self._lib.numasim_trace_stream)

    def trace_end(self):
        """The stream has no more lines."""
        self._call(self._lib.numasim_trace_end)

    # running
    def run(self, until=None):
        """To the end, or to simulated time `until` (ns or '2ms')."""
        if until is None:
            self._call(self._lib.numasim_run)
        else:
            self._call(self._lib.numasim_run_until, parse_time(until))
        return self

    @property
    def done(self):
        return bool(self._lib.numasim_done(self._h))

    @property
    def now(self):
        return self._lib.numasim_now(self._h)

    # counters
    def node_counter(self, node, name):
        v = ctypes.c_int64()
        self._call(self._lib.numasim_node_counter, node, name.encode(), ctypes.byref(v))
        return v.value

    def vmstat(self, name):
        v = ctypes.c_int64()
        self._call(self._lib.numasim_vmstat, name.encode(), ctypes.byref(v))
        return v.value

    def access_count(self, cpu_node, mem_node):
        v = ctypes.c_int64()
        self._call(self._lib.numasim_access_count, cpu_node, mem_node, ctypes.byref(v))
        return v.value

    def task_counter(self, pid, name):
        v = ctypes.c_int64()
        self._call(self._lib.numasim_task_counter, pid, name.encode(), ctypes.byref(v))
        return v.value

    def counter(self, path):
        v = ctypes.c_double()
        self._call(self._lib.numasim_counter, path.encode(), ctypes.byref(v))
        return v.value

    @property
    def expects(self):
        return {"passed": self._lib.numasim_expects_passed(self._h),
                "failed": self._lib.numasim_expects_failed(self._h)}

    # reports
    def report(self, format="json"):
        """The report as text ('text', 'json', 'html'): what `numasim run --format` prints."""
        buf, n = ctypes.c_void_p(), ctypes.c_size_t()
        self._call(self._lib.numasim_report_buffer, format.encode(), ctypes.byref(buf),
                   ctypes.byref(n))
        try:
            return ctypes.string_at(buf, n.value).decode()
        finally:
            self._lib.numasim_free(buf)

    def write_report(self, path, format="json"):
        self._call(self._lib.numasim_report_path, format.encode(), str(path).encode())

    def report_dict(self):
        """The JSON report as a dict (docs/report.md)."""
        return json.loads(self.report("json"))

    def nodes(self):
        """One row per node: the report's node counters and numastat."""
        rows = []
        for n in self.report_dict()["nodes"]:
            row = {k: v for k, v in n.items() if not isinstance(v, (dict, list))}
            row.update(n.get("numastat", {}))
            rows.append(row)
        return table(rows)

    def tasks(self):
        """One row per task: pid, name, state, cpu, node, faults, local and remote accesses."""
        rows = []
        for t in self.report_dict()["tasks"]:
            row = {k: v for k, v in t.items() if not isinstance(v, (dict, list))}
            acc = t.get("accesses", {})
            if isinstance(acc, dict):
                row.update({"accesses_" + k: v for k, v in acc.items() if not isinstance(v, (dict, list))})
            rows.append(row)
        return table(rows)

    def access_matrix(self):
        """Accesses [cpu node][memory node] (a DataFrame with pandas)."""
        m = self.report_dict()["accesses"]["matrix"]
        pd = _use_pandas()
        if pd is None:
            return m
        names = ["node%d" % i for i in range(len(m))]
        return pd.DataFrame(m, index=names, columns=names)

    def timeseries(self):
        """Samples (set timeseries=...): one row per time and node with
        free_pages, anon_pages, file_pages and used_pages."""
        rep = self.report_dict()
        return table(_sample_rows(rep, None))


def _sample_rows(rep, label):
    total = [n["total_pages"] for n in rep["nodes"]]
    page = rep["topology"]["page_size"]
    rows = []
    for s in rep["timeseries"]:
        for node, free in enumerate(s["free_pages"]):
            row = {"time_ns": s["time_ns"], "node": node, "free_pages": free,
                   "anon_pages": s["anon_pages"][node], "file_pages": s["file_pages"][node],
                   "used_pages": total[node] - free,
                   "used_MiB": (total[node] - free) * page / 1048576.0}
            if label is not None:
                row = dict(variant=label, **row)
            rows.append(row)
    return rows


# ---- compare / sweep ---------------------------------------------------------------

def _variant(v):
    if isinstance(v, str):
        out = {}
        for kv in filter(None, v.split(",")):
            k, _, val = kv.partition("=")
            out[k.strip()] = val.strip()
        return out
    return dict(v or {})


def _label(v):
    return ",".join("%s=%s" % kv for kv in v.items()) or "default"


SUMMARY = {
    "local_ratio": "accesses.local_ratio",
    "avg_latency_ns": "accesses.avg_latency_ns",
    "sim_time_ns": "sim_time_ns",
    "numa_miss": None,
    "pgmigrate_success": "vmstat.pgmigrate_success",
    "pgscan_kswapd": "vmstat.pgscan_kswapd",
    "pgscan_direct": "vmstat.pgscan_direct",
    "expects_failed": "expects.failed",
}


def compare(topology, trace, variants, seed=None, counters=(), timeseries=None):
    """Runs trace on topology once per variant, in this process, one handle
    each, and returns a table with one row per variant.

    variants: a list of {tunable: value} dicts or "k=v,k2=v2" strings ({} or
    "" is the defaults). counters: extra report paths to add as columns
    (numasim_counter paths: "nodes.0.free_pages"). With timeseries="1ms" each
    row's "samples" holds its memory-per-node samples (see plot_compare).
    Columns: variant, the tunables varied, local_ratio, avg_latency_ns,
    sim_time_ns, numa_miss (summed over nodes), pgmigrate_success,
    pgscan_kswapd, pgscan_direct, expects_failed, then counters.
    """
    variants = [_variant(v) for v in variants]
    keys = []
    for v in variants:
        keys += [k for k in v if k not in keys]
    rows = []
    for v in variants:
        with Simulation(topology, trace, set=v, seed=seed, timeseries=timeseries) as sim:
            sim.run()
            rep = sim.report_dict()
            row = {"variant": _label(v)}
            for k in keys:
                row[k] = v.get(k, "")
            for col, path in SUMMARY.items():
                if path is None:
                    row[col] = sum(n["numastat"]["numa_miss"] for n in rep["nodes"])
                else:
                    row[col] = sim.counter(path)
            for path in counters:
                row[path] = sim.counter(path)
            for col in ("sim_time_ns", "pgmigrate_success", "pgscan_kswapd", "pgscan_direct",
                        "expects_failed"):
                row[col] = int(row[col])
            if timeseries is not None:
                row["samples"] = _sample_rows(rep, row["variant"])
            rows.append(row)
    return table(rows)


# ---- plotting ----------------------------------------------------------------------

def plot_memory(samples, ax=None, title=None):
    """Memory in use per node over time, from Simulation.timeseries() or a
    compare row's "samples": one line per node, MiB against ms."""
    import matplotlib.pyplot as plt
    rows = rows_of(samples)
    if ax is None:
        _, ax = plt.subplots()
    for node in sorted({r["node"] for r in rows}):
        pts = [r for r in rows if r["node"] == node]
        ax.plot([r["time_ns"] / 1e6 for r in pts], [r["used_MiB"] for r in pts], label="node%d" % node)
    ax.set_xlabel("simulated time (ms)")
    ax.set_ylabel("memory in use (MiB)")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def plot_local_ratio(results, ax=None):
    """Bars of the local access ratio per variant of a compare() table."""
    import matplotlib.pyplot as plt
    rows = rows_of(results)
    if ax is None:
        _, ax = plt.subplots()
    ax.bar([r["variant"] for r in rows], [r["local_ratio"] for r in rows])
    ax.set_ylim(0, 1)
    ax.set_ylabel("local accesses / all accesses")
    ax.tick_params(axis="x", labelrotation=20)
    return ax


def plot_compare(results, path=None):
    """One figure for a compare() table run with timeseries=: memory per
    node over time for each variant, and the local ratio per variant.
    Saved to path (PNG, SVG, PDF by extension) when given; returns the figure."""
    import matplotlib
    if path is not None and not os.environ.get("DISPLAY"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rows = rows_of(results)
    with_samples = [r for r in rows if r.get("samples")]
    fig, axes = plt.subplots(1, len(with_samples) + 1, figsize=(4.5 * (len(with_samples) + 1), 3.8),
                             squeeze=False)
    for ax, r in zip(axes[0], with_samples):
        plot_memory(r["samples"], ax=ax, title=r["variant"])
    plot_local_ratio(rows, ax=axes[0][-1])
    fig.tight_layout()
    if path is not None:
        fig.savefig(path)
    return fig
