#!/usr/bin/env python3
"""The hostile corpus (docs/testing.md, "Hostile corpus").

Generates some 300+ hostile inputs - topologies, traces, command-line
options, output targets, signals and resource limits - into a temporary
directory and runs numasim on each. Every case states its expectation
explicitly: the exit status and a regular expression the whole of stderr
must match (re.fullmatch, so a second stderr line fails the case unless
the pattern allows it). Bad input must be one line and exit 2; valid
input exit 0. A failure names the case.

Usage: hostile.py NUMASIM SRCDIR GROUP   (GROUP: topo, trace, options,
outputs, signals, limits, or all)
"""
import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import time

NUMASIM, SRC, GROUP = sys.argv[1], sys.argv[2], sys.argv[3]
TMP = tempfile.mkdtemp(prefix="numasim-hostile-")
CASES = []   # (group, name, fn)


def case(group):
    def deco(fn):
        CASES.append((group, fn.__name__, fn))
        return fn
    return deco


class Case:
    """One expectation: argv (or a shell line), exit status, stderr regex."""

    def __init__(self, name, argv, rc, err, shell=False, stdin=None, timeout=60,
                 preexec=None, check=None, stdout=subprocess.DEVNULL):
        self.name, self.argv, self.rc, self.err = name, argv, rc, err
        self.shell, self.stdin, self.timeout = shell, stdin, timeout
        self.preexec, self.check, self.stdout = preexec, check, stdout


def run(c):
    stdin = subprocess.DEVNULL
    if isinstance(c.stdin, bytes):
        stdin = subprocess.PIPE
    try:
        p = subprocess.run(c.argv, shell=c.shell, input=c.stdin if isinstance(c.stdin, bytes) else None,
                           stdin=None if isinstance(c.stdin, bytes) else stdin,
                           stdout=c.stdout, stderr=subprocess.PIPE, timeout=c.timeout,
                           preexec_fn=c.preexec, cwd=TMP)
    except subprocess.TimeoutExpired:
        return "timed out after %ds (a hang)" % c.timeout
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode != c.rc:
        return "exit status %d, want %d; stderr: %r" % (p.returncode, c.rc, err[:500])
    if not re.fullmatch(c.err, err, re.S):
        return "stderr %r does not match %r" % (err[:500], c.err)
    if c.check:
        why = c.check()
        if why:
            return why
    return None


def write(name, data):
    path = os.path.join(TMP, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return path


def line(msg):
    """stderr is exactly one line matching msg."""
    return msg + r"\n"


ESC = re.escape

# ---- topologies --------------------------------------------------------

BASE_NODES = [
    '{"id": 0, "cpus": "0-1", "memory": "64MiB"}',
    '{"id": 1, "cpus": "2-3", "memory": "64MiB"}',
]


def topo_text(nodes=None, distances="[[10, 20], [20, 10]]", extra=""):
    nodes = BASE_NODES if nodes is None else nodes
    return '{"name": "h", "nodes": [%s], "distances": %s%s}' % (", ".join(nodes), distances, extra)


def topo_case(name, text, rc, pattern):
    path = write("topo/%s.json" % name, text)
    rel = "topo/%s.json" % name
    if rc == 0:
        err = r"(warning: .*\n)*"
    else:
        err = line(ESC(rel) + pattern)
    return Case("topo/" + name, [NUMASIM, "topo", "validate", "-t", rel], rc, err)


def topo_cases():
    out = []
    T = lambda n, t, rc, p="": out.append(topo_case(n, t, rc, p))
    T("valid", topo_text(), 0)
    # whole-file shapes
    T("empty", "", 2, r":1:0: .* expected near end of file")
    T("spaces", " " * 100000, 2, r":1:100000: .* expected near end of file")
    T("not_json", "numasim", 2, r":.*")
    T("array", "[]", 2, r": .*")
    T("string", '"x"', 2, r":1:\d+: '\[' or '\{' expected .*")
    T("number", "42", 2, r":1:\d+: '\[' or '\{' expected .*")
    T("null", "null", 2, r":1:\d+: '\[' or '\{' expected .*")
    T("truncated", topo_text()[:-5], 2, r":.*")
    T("trailing_garbage", topo_text() + "xyz", 2, r":.*")
    T("deep_nesting", "[" * 100000 + "]" * 100000, 2, r":.*")
    T("nul_byte", topo_text().replace('"h"', '"h\x00"'), 2, r": .*NUL.*")
    T("bad_utf8", topo_text().encode().replace(b'"h"', b'"h\xff"'), 2, r":1:\d+: .*")
    T("bom", "\ufeff" + topo_text(), 2, r":1:\d+: .*")
    T("huge_number", topo_text(extra=', "page_size": 1' + "0" * 400), 2, r":.*")
    T("dup_key", topo_text(extra=', "name": "again"'), 2, r":.*")
    T("too_big_file", topo_text(extra=', "description": "%s"' % ("x" * (65 << 20))), 2, r": cannot read: file too large")
    # top-level keys
    T("no_nodes", '{"name": "h", "distances": [[10]]}', 2, r": nodes: .*")
    T("no_distances", '{"name": "h", "nodes": [%s]}' % BASE_NODES[0], 2, r": distances: .*")
    T("no_name", '{"nodes": [%s], "distances": [[10]]}' % BASE_NODES[0], 2, r": name: .*")
    T("unknown_key", topo_text(extra=', "colour": 1'), 2, r": colour: unknown key \(expected .*\)")
    for k, v in [("name", "1"), ("name", "null"), ("nodes", '"x"'), ("nodes", "{}"), ("distances", '"x"'),
                 ("page_size", '"x"'), ("page_size", "-4096"), ("local_latency_ns", '"x"'),
                 ("local_latency_ns", "0"), ("local_latency_ns", "1e30"), ("description", "5")]:
        text = topo_text(extra=', "%s": %s' % (k, v)) if k not in ("name", "nodes", "distances") else None
        if k == "name":
            text = '{"name": %s, "nodes": [%s], "distances": [[10, 20], [20, 10]]}' % (v, ", ".join(BASE_NODES))
        elif k == "nodes":
            text = '{"name": "h", "nodes": %s, "distances": [[10, 20], [20, 10]]}' % v
        elif k == "distances":
            text = topo_text(distances=v)
        T("type_%s_%s" % (k, re.sub(r"\W", "_", v)), text, 2, r": (%s|.*).*" % k)
    for ps in ["0", "4095", "3000", "131072", "1024", "\"4KiB\"", "8192.5"]:
        T("page_size_" + re.sub(r"\W", "_", ps), topo_text(extra=', "page_size": %s' % ps),
          0 if ps == '"4KiB"' else 2, r": page_size: .*")
    # nodes
    node = lambda **kw: "{" + ", ".join('"%s": %s' % (k, v) for k, v in kw.items()) + "}"
    T("node_no_id", topo_text([node(cpus='"0-1"', memory='"64MiB"'), BASE_NODES[1]]), 2, r": nodes\[0\].*id.*")
    T("node_no_cpus", topo_text([node(id=0, memory='"64MiB"'), BASE_NODES[1]]), 2, r": nodes\[0\].cpus: .*")
    T("node_no_memory", topo_text([node(id=0, cpus='"0-1"'), BASE_NODES[1]]), 2, r": nodes\[0\].*memory.*")
    T("node_unknown_key", topo_text([node(id=0, cpus='"0-1"', memory='"64MiB"', x=1), BASE_NODES[1]]), 2,
      r": nodes\[0\].x: unknown key \(expected .*\)")
    T("node_not_object", topo_text(["5", BASE_NODES[1]]), 2, r": nodes\[0\].*")
    T("dup_id", topo_text([BASE_NODES[0], BASE_NODES[0]]), 2, r": nodes\[1\].*")
    T("id_gap", topo_text([BASE_NODES[0], node(id=5, cpus='"2-3"', memory='"64MiB"')]), 2, r": .*")
    T("id_negative", topo_text([node(id=-1, cpus='"0-1"', memory='"64MiB"'), BASE_NODES[1]]), 2, r": nodes\[0\].id: .*")
    T("id_huge", topo_text([node(id=99999999999, cpus='"0-1"', memory='"64MiB"'), BASE_NODES[1]]), 2, r": nodes\[0\].id: .*")
    T("id_string", topo_text([node(id='"0"', cpus='"0-1"', memory='"64MiB"'), BASE_NODES[1]]), 2, r": nodes\[0\].id: .*")
    T("no_cpu_anywhere", topo_text([node(id=0, cpus='""', memory='"64MiB"'), node(id=1, cpus='""', memory='"64MiB"')]),
      2, r": nodes: no node has a CPU")
    T("no_memory_anywhere", topo_text([node(id=0, cpus='"0-1"', memory='"0"'), node(id=1, cpus='"2-3"', memory='"0"')]),
      2, r": nodes: no node has memory")
    T("zero_nodes", '{"name": "h", "nodes": [], "distances": []}', 2, r": nodes: .*")
    for i, cpus in enumerate(['"0-"', '"-1"', '"4096"', '"3-1"', '"a"', '"0,,1"', '"0-1-2"', '" 0"', '"0x1"',
                              '5', 'null', '"99999999999999999999"']):
        T("cpus_%d" % i, topo_text([node(id=0, cpus=cpus, memory='"64MiB"'), BASE_NODES[1]]), 2,
          r": nodes\[0\].cpus: .*")
    T("cpus_shared", topo_text([node(id=0, cpus='"0-2"', memory='"64MiB"'), BASE_NODES[1]]), 2, r": nodes\[1\].cpus: .*")
    T("cpus_array_ok", topo_text([node(id=0, cpus="[0, 1]", memory='"64MiB"'), BASE_NODES[1]]), 0)
    for i, mem in enumerate(['"-1MiB"', '"1.5GiB"', '"abc"', '"1PiB"', '"64MB"', '""', '-5', '"1e3"',
                             '"0x"', '"18446744073709551616"', '"64 MiB"', 'true']):
        T("memory_%d" % i, topo_text([node(id=0, cpus='"0-1"', memory=mem), BASE_NODES[1]]), 2, r": nodes\[0\].memory: .*")
    T("memory_leading_zero", topo_text([node(id=0, cpus='"0-1"', memory='"064MiB"'), BASE_NODES[1]]), 0)
    T("memory_not_page", topo_text([node(id=0, cpus='"0-1"', memory='"4097"'), BASE_NODES[1]]), 2, r": nodes\[0\].memory: .*")
    T("memory_number", topo_text([node(id=0, cpus='"0-1"', memory='67108864'), BASE_NODES[1]]), 0)
    # distances
    for i, d in enumerate(["[[10, 20]]", "[[10, 20], [20]]", "[[10, 20], [20, 10], [10, 10]]", "[[11, 20], [20, 10]]",
                           "[[10, 9], [9, 10]]", "[[10, 256], [256, 10]]", "[[10, 20.5], [20.5, 10]]",
                           "[[10, -20], [-20, 10]]", '[[10, "20"], ["20", 10]]', "[10, 20]", "[[], []]",
                           "[[10, 20], [20, 10, 30]]", "[[10, null], [null, 10]]", "[[10, 1e300], [1e300, 10]]"]):
        T("distances_%d" % i, topo_text(distances=d), 2, r": distances.*")
    T("distances_asymmetric_warns", topo_text(distances="[[10, 20], [30, 10]]"), 0)
    # devices and links
    dev = lambda extra: topo_text(extra=', "devices": [{"name": "d0", "type": "block"%s}]' % extra)
    for i, (k, v) in enumerate([("read_MBps", "1e-300"), ("read_MBps", "1e-10"), ("read_MBps", "0"), ("read_MBps", "-1"),
                                ("read_MBps", "1e10"), ("read_MBps", '"fast"'), ("write_MBps", "1e-300"),
                                ("write_MBps", "1e300"), ("write_MBps", "null")]):
        T("device_%d_%s" % (i, k), dev(', "%s": %s' % (k, v)), 2, r": devices\[0\].%s: .*" % k)
    T("device_bw_min_ok", dev(', "read_MBps": 0.001, "write_MBps": 1e9'), 0)
    T("device_bad_type", topo_text(extra=', "devices": [{"name": "d0", "type": "gpu"}]'), 2, r": devices\[0\].type: .*")
    T("device_dup", topo_text(extra=', "devices": [{"name": "d0", "type": "block"}, {"name": "d0", "type": "net"}]'), 2,
      r": devices\[1\].name: .*")
    T("device_no_name", topo_text(extra=', "devices": [{"type": "block"}]'), 2, r": devices\[0\].name: .*")
    T("device_not_array", topo_text(extra=', "devices": {}'), 2, r": devices.*")
    link = lambda l: topo_text(extra=', "interconnect": {"links": [%s]}' % l)
    for i, l in enumerate(['{"a": 0, "b": 1, "GBps": 1e-300}', '{"a": 0, "b": 1, "GBps": 0}', '{"a": 0, "b": 1, "GBps": -5}',
                           '{"a": 0, "b": 1, "GBps": 1e300}', '{"a": 0, "b": 5, "GBps": 10}', '{"a": 0, "b": 0, "GBps": 10}',
                           '{"a": 0, "GBps": 10}', '{"a": 0, "b": 1}', '{"a": "0", "b": 1, "GBps": 10}', '5']):
        T("link_%d" % i, link(l), 2, r": interconnect.*")
    T("link_ok", link('{"a": 0, "b": 1, "GBps": 10}'), 0)
    # the file itself
    out.append(Case("topo/missing_file", [NUMASIM, "topo", "validate", "-t", "topo/none.json"], 2,
                    line(r"topo/none.json: .*")))
    os.makedirs(os.path.join(TMP, "topo/dir.json"), exist_ok=True)
    out.append(Case("topo/directory", [NUMASIM, "topo", "validate", "-t", "topo/dir.json"], 2, line(r"topo/dir.json: .*")))
    out.append(Case("topo/dev_null", [NUMASIM, "topo", "validate", "-t", "/dev/null"], 2, line(r"/dev/null:1:0: .*")))
    out.append(Case("topo/unknown_name", [NUMASIM, "topo", "validate", "-t", "no-such-topology"], 2,
                    line(r"numasim: unknown topology 'no-such-topology' .*")))
    out.append(Case("topo/empty_name", [NUMASIM, "topo", "validate", "-t", ""], 2, line(r".+")))
    for t in ["ring4", "2socket", "numa16", "epyc-nps4", "cxl", "toy4", "ring4-links"]:
        out.append(Case("topo/shipped_" + t, [NUMASIM, "topo", "show", "-t", t], 0, r""))
    return out


# ---- traces ------------------------------------------------------------

MAGIC = "# numasim trace v1\n"
PRE = MAGIC + "@0 spawn pid=1 cpu=0\n@1us mmap pid=1 addr=0x10000000 len=1MiB\n"

# op -> a valid record (after PRE) and its keys with a kind for mutation
RECORDS = {
    "spawn": ("spawn pid=2 cpu=1", {"pid": "pid", "cpu": "cpu"}),
    "mmap": ("mmap pid=1 addr=0x20000000 len=64KiB", {"pid": "pid", "addr": "num", "len": "num"}),
    "munmap": ("munmap pid=1 addr=0x10000000 len=4KiB", {"pid": "pid", "addr": "num", "len": "num"}),
    "touch": ("touch pid=1 addr=0x10000000 len=8KiB", {"pid": "pid", "addr": "num", "len": "num"}),
    "access": ("access pid=1 addr=0x10000000 len=8KiB count=10", {"pid": "pid", "addr": "num", "len": "num", "count": "num"}),
    "fork": ("fork pid=1 child=3 cpu=2", {"pid": "pid", "child": "pid", "cpu": "cpu"}),
    "exit": ("exit pid=1", {"pid": "pid"}),
    "run": ("run pid=1 cpu=2", {"pid": "pid", "cpu": "cpu"}),
    "set_mempolicy": ("set_mempolicy pid=1 mode=bind nodes=0", {"pid": "pid", "nodes": "nodes"}),
    "mbind": ("mbind pid=1 addr=0x10000000 len=4KiB mode=bind nodes=1", {"pid": "pid", "addr": "num", "len": "num", "nodes": "nodes"}),
    "migrate_pages": ("migrate_pages pid=1 from=0 to=1", {"pid": "pid", "from": "nodes", "to": "nodes"}),
    "kmalloc": ("kmalloc size=4KiB", {"size": "num"}),
    "snapshot": ("snapshot label=x", {"label": "str"}),
    }


def trace_case(name, body, rc, pattern, magic=True, raw=None):
    rel = "trace/%s.trace" % name
    data = raw if raw is not None else ((MAGIC if magic else "") + body)
    write(rel, data)
    err = r"(expect failed: .*\n)*" if rc in (0, 1) else line(ESC(rel) + pattern)
    return Case("trace/" + name, [NUMASIM, "run", "-t", "ring4", "-w", rel], rc, err)


def trace_cases():
    out = []
    T = lambda n, body, rc, p="", **kw: out.append(trace_case(n, body, rc, p, **kw))
    T("only_magic", "", 0)
    T("no_magic", "@0 spawn pid=1 cpu=0\n", 2, r":1: first line must be .*", magic=False)
    T("empty_file", "", 2, r":1: first line must be .*", magic=False)
    T("magic_spaces", "", 2, r":1: first line must be .*", raw=" # numasim trace v1\n")
    T("magic_v2", "", 2, r":1: first line must be .*", raw="# numasim trace v2\n")
    T("bom", "", 2, r":1: first line must be .*", raw="\ufeff" + MAGIC)
    T("crlf", "", 0, raw=(PRE + "@2us touch pid=1 addr=0x10000000 len=4KiB\n").replace("\n", "\r\n"))
    T("no_final_newline", "", 0, raw=PRE + "@2us exit pid=1")
    T("nul_byte", "", 2, r":2: NUL byte in the line \(column \d+\)", raw=MAGIC + "@0 spawn pid=1\x00 cpu=0\n")
    T("nul_only", "", 2, r":1: NUL byte .*", raw="\x00" * 100)
    T("long_line", "", 2, r":2: line longer than 65536 bytes", raw=MAGIC + "#" * 70000 + "\n")
    T("long_line_nonewline", "", 2, r":2: line longer than 65536 bytes", raw=MAGIC + "@0 " + "x" * 70000)
    T("max_line_ok", "", 0, raw=MAGIC + "#" * 65536 + "\n")
    T("binary", "", 2, r":1: .*", raw=bytes(range(1, 256)) * 10)
    T("bad_utf8_name", "", 2, r":2: bad name: invalid UTF-8 at byte 2", raw=MAGIC.encode() + b"@0 spawn pid=1 cpu=0 name=a\xffb\n")
    T("bad_utf8_label", "", 2, r":4: bad label: invalid UTF-8 .*", raw=PRE.encode() + b"@2us snapshot label=\xc0\xaf\n")
    T("overlong_utf8", "", 2, r":2: bad name: invalid UTF-8 .*", raw=MAGIC.encode() + b"@0 spawn pid=1 cpu=0 name=\xe0\x80\xaf\n")
    T("surrogate_utf8", "", 2, r":2: bad name: invalid UTF-8 .*", raw=MAGIC.encode() + b"@0 spawn pid=1 cpu=0 name=\xed\xa0\x80\n")
    T("utf8_ok", "@0 spawn pid=1 cpu=0 name=caf\u00e9\n", 0)
    T("bad_utf8_comment_ok", "", 0, raw=MAGIC.encode() + b"# caf\xe9\n@0 spawn pid=1 cpu=0\n")
    # times
    for i, (t, pat) in enumerate([("5h", "a record starts with its time.*"), ("1.5ms", "a record starts with its time.*"), ("@", "bad time.*"), ("+", "bad time.*"),
                                  ("-5", "a record starts with its time.*"), ("@-5", "bad time.*"),
                                  ("@18446744073709551616", "bad time.*"), ("@9223372036854775808", "time .* past the end of simulated time.*"),
                                  ("@0x", "bad time.*"), ("@1e3", "bad time.*"), ("@ 5", "bad time.*"),
                                  ("@9999999999s", "time 9999999999s is past the end of simulated time \\(2\\^63-1 ns\\)"), ("@5 ms", "unknown op 'ms'")]):
        T("time_%d" % i, "%s spawn pid=1 cpu=0\n" % t, 2, r":2: " + pat)
    T("time_back", "@7ms spawn pid=1 cpu=0\n@5ms exit pid=1\n", 2, r":3: time goes back \(5ms after 7ms\)")
    T("time_rel_overflow", "@9223372036854775807 spawn pid=1 cpu=0\n+1 exit pid=1\n", 2, r":3: time .* past the end.*")
    T("time_max_ok", "@9223372036854775807 spawn pid=1 cpu=0\n", 0)
    T("time_octal_is_decimal", "@010 spawn pid=1 cpu=0\n@11 exit pid=1\n", 0)
    T("time_octal_back", "@010 spawn pid=1 cpu=0\n@9 exit pid=1\n", 2, r":3: time goes back \(9ns after 10ns\)")
    # ops and keys, systematically
    T("unknown_op", "@0 spwan pid=1 cpu=0\n", 2, r":2: unknown op 'spwan'( \(did you mean 'spawn'\?\))?")
    T("no_op", "@0\n", 2, r":2: .*")
    for op, (rec, keys) in RECORDS.items():
        T("ok_" + op, PRE[len(MAGIC):] + "@2us " + rec + "\n", 0)
        T("unknown_key_" + op, PRE[len(MAGIC):] + "@2us " + rec + " colour=1\n", 2, r":4: unknown key 'colour' for op %s" % op)
        for k in keys:
            words = rec.split()
            dup = rec + " " + next(w for w in words if w.startswith(k + "="))
            T("dup_%s_%s" % (op, k), PRE[len(MAGIC):] + "@2us " + dup + "\n", 2, r":4: duplicate key '%s'" % k)
            missing = " ".join(w for w in words if not w.startswith(k + "="))
            if keys[k] in ("pid", "num") or (keys[k] == "nodes" and op == "migrate_pages"):
                T("missing_%s_%s" % (op, k), PRE[len(MAGIC):] + "@2us " + missing + "\n", 2, r":4: missing key '%s'.*" % k)
            noval = " ".join((w.split("=")[0] + "=") if w.startswith(k + "=") else w for w in words)
            T("novalue_%s_%s" % (op, k), PRE[len(MAGIC):] + "@2us " + noval + "\n", 2, r":4: .*'%s'.*" % k)
            bads = {"pid": ["0", "-1", "4194305", "x", "0x", "1.5"], "num": ["-1", "x", "1KB", "18446744073709551616", "1.5"],
                    "cpu": ["4096", "-1", "x"], "nodes": ["1024", "3-1", "x", "0,,1"], "str": []}[keys[k]]
            for j, b in enumerate(bads):
                mut = " ".join((k + "=" + b) if w.startswith(k + "=") else w for w in words)
                T("bad_%s_%s_%d" % (op, k, j), PRE[len(MAGIC):] + "@2us " + mut + "\n", 2, r":4: bad %s.*" % k)
    T("pid_octal_is_decimal", "@0 spawn pid=010 cpu=0\n@1 exit pid=10\n", 0)
    T("pid_octal_not_8", "@0 spawn pid=010 cpu=0\n@1 exit pid=8\n", 2, r":3: no task with pid 8 .*")
    T("hex_double_prefix", "@0 spawn pid=0x0x5 cpu=0\n", 2, r":2: bad pid.*")
    T("addr_len_overflow", PRE[len(MAGIC):] + "@2us touch pid=1 addr=0xffffffffffff0000 len=0x20000\n", 2, r":4: addr\+len overflows 64 bits")
    T("len_zero_touch", PRE[len(MAGIC):] + "@2us touch pid=1 addr=0x10000000 len=0\n", 2, r":4: len must not be 0")
    T("len_near_2_64_efault", PRE[len(MAGIC):] + "@2us touch pid=1 addr=0 len=0xffffffffffffffff\n@3us expect pid=1 rc=EFAULT\n", 0)
    T("access_near_2_64_efault", PRE[len(MAGIC):] + "@2us access pid=1 addr=0 len=0xffffffffffffffff count=3\n@3us expect pid=1 rc=EFAULT\n", 0)
    T("key_without_eq", PRE[len(MAGIC):] + "@2us touch pid=1 addr=0x10000000 len\n", 2, r":4: .*'len'.*")
    T("unknown_flag", PRE[len(MAGIC):] + "@2us mmap pid=1 addr=0x20000000 len=4KiB hugee\n", 2, r":4: unknown flag 'hugee' for op mmap")
    T("conflicting_flags", PRE[len(MAGIC):] + "@2us access pid=1 addr=0x10000000 len=4KiB count=1 read write\n", 2, r":4: .*exclude.*")
    T("sysctl_no_eq", "@0 sysctl vm.swappiness\n", 2, r":2: sysctl takes one name=value.*")
    T("sysctl_unknown", "@0 sysctl vm.foo=1\n", 2, r":2: unknown sysctl 'vm.foo'")
    T("sysctl_range", "@0 sysctl vm.swappiness=500\n", 2, r":2: vm.swappiness: .*")
    T("sysctl_octal", "@0 sysctl vm.swappiness=010\n", 0)
    T("expect_bad", "@0 expect\n", 2, r":2: .*")
    T("expect_unknown_counter", "@0 expect zork=1\n", 2, r":2: unknown expect counter.*")
    T("expect_time_max_ok", "@0 spawn pid=1 cpu=0\n@1 expect pid=1 time<=9223372036854775807\n", 0)
    T("never_spawned", "@0 exit pid=5\n", 2, r":2: no task with pid 5 \(never spawned\)")
    T("cpuset_no_slash", "@0 cpuset action=create path=batch\n", 2, r":2: cpuset path 'batch' must start with '/'")
    T("move_pages_list", PRE[len(MAGIC):] + "@2us move_pages pid=1 addr=0x10000000 len=8KiB nodes=0,1\n", 0)
    T("comment_after_record", "@0 spawn pid=1 cpu=0 # a comment\n", 0)
    T("tabs", "@0\tspawn\tpid=1\tcpu=0\n", 0)
    T("many_blank_lines", "\n" * 100000 + "@0 spawn pid=1 cpu=0\n", 0)
    # the file itself
    out.append(Case("trace/missing", [NUMASIM, "run", "-w", "trace/none.trace"], 2, line(r"trace/none.trace: cannot open: .*")))
    out.append(Case("trace/unknown_name", [NUMASIM, "run", "-w", "no-such-workload"], 2,
                    line(r"no-such-workload: no such trace file or shipped workload")))
    os.makedirs(os.path.join(TMP, "trace/dir"), exist_ok=True)
    out.append(Case("trace/directory", [NUMASIM, "run", "-w", "trace/dir"], 2, line(r"trace/dir: is a directory, not a trace file")))
    out.append(Case("trace/dev_zero", [NUMASIM, "run", "-w", "/dev/zero"], 2, line(r"/dev/zero:1: line longer than 65536 bytes")))
    out.append(Case("trace/dev_null", [NUMASIM, "run", "-w", "/dev/null"], 2, line(r"/dev/null: empty: nothing was read .*")))
    out.append(Case("trace/empty_name", [NUMASIM, "run", "-w", ""], 2, line(r"numasim: -w: empty trace name")))
    out.append(Case("trace/stdin_ok", [NUMASIM, "run", "-w", "-"], 0, r"", stdin=(PRE + "@2us exit pid=1\n").encode()))
    out.append(Case("trace/stdin_bad", [NUMASIM, "run", "-w", "-"], 2, line(r"stdin:3: unknown op 'zork'( \(did you mean '[a-z_]+'\?\))?"),
                    stdin=(MAGIC + "@0 spawn pid=1 cpu=0\n@1 zork\n").encode()))
    out.append(Case("trace/stdin_empty", [NUMASIM, "run", "-w", "-"], 2, line(r"stdin: empty: .*"), stdin=b""))
    out.append(Case("trace/dev_stdin_ok", [NUMASIM, "run", "-w", "/dev/stdin"], 0, r"", stdin=(PRE + "@2us exit pid=1\n").encode()))
    out.append(Case("trace/stdin_zeros", [NUMASIM, "run", "-w", "-"], 2, line(r"stdin:1: (line longer than 65536 bytes|NUL byte .*)"),
                    stdin=b"\x00" * 200000))
    for w in ["compile", "dilemma", "shared-array", "random-access", "cron", "pagecache", "default", "migrate",
              "interleave", "numa-balancing", "swap", "writer", "zone-reclaim"]:
        out.append(Case("trace/shipped_" + w, [NUMASIM, "trace", "validate", "-w", w], 0, r""))
    return out


# ---- options -------------------------------------------------------------

def option_cases():
    U = r"numasim: .* \(see numasim --help\)"
    C = []
    A = lambda name, argv, rc, err, **kw: C.append(Case("options/" + name, [NUMASIM] + argv, rc, err, **kw))
    A("bare", [], 2, line(r"numasim: no command given.*"))
    A("help", ["--help"], 0, r"", stdout=subprocess.DEVNULL)
    A("version", ["--version"], 0, r"")
    A("unknown_command", ["frobnicate"], 2, line(U))
    A("empty_command", [""], 2, line(U))
    for i, argv in enumerate([["run", "--frob"], ["run", "-x"], ["run", "--seed"], ["run", "-t"], ["run", "-w"],
                              ["run", "-o"], ["run", "--format"], ["run", "--format", "xml"], ["run", "--format="],
                              ["run", "--set"], ["run", "--timeseries"], ["run", "--timeseries", "0"],
                              ["run", "--timeseries", "5parsecs"], ["run", "--timeseries", "-1ms"],
                              ["explain", "-o", "x"], ["explain", "--format", "json"], ["run", "--check=1"],
                              ["run", "--progress=1"], ["run", "--"], ["run", "-"], ["run", "extra"],
                              ["topo"], ["topo", "frob", "-t", "ring4"], ["topo", "show", "-t"],
                              ["trace"], ["trace", "validate"], ["trace", "frob"], ["gen"]]):
        A("usage_%d" % i, argv, 2, line(r"numasim: .*"))
    for i, s in enumerate(["-1", "x", "18446744073709551616", "", "1.5", "0x"]):
        A("seed_%d" % i, ["run", "--seed", s], 2, line(r".*seed.*"))
    A("seed_octal_is_decimal", ["run", "--seed", "010", "-w", "cron"], 0, r"")
    for i, s in enumerate(["vm.swappiness", "vm.swappiness=", "vm.swappiness=500", "vm.swappiness=-1", "vm.frob=1",
                           "=5", "vm.swappiness=x", "vm.overcommit_memory=3", "sim.seed=18446744073709551616"]):
        A("set_%d" % i, ["run", "--set", s], 2, line(r"--set: .*"))
    A("timeseries_too_many", ["run", "--timeseries", "1ns"], 2, line(r"--timeseries 1ns: .*more than 20000 samples.*"))
    A("timeseries_ok", ["run", "--timeseries", "1ms", "-w", "cron"], 0, r"")
    for i, kv in enumerate([["seed=1", "seed=2"], ["size=0"], ["size=1"], ["size=2T"], ["nodes=0"], ["nodes=2000"],
                            ["page-size=3000"], ["policy=random"], ["frob=1"], ["nodes"], ["tasks=2000000"],
                            ["zone-reclaim=8"], ["cpus-per-node=0"], ["count=x"], ["size=1KB"]]):
        A("gen_%d" % i, ["gen", "compile"] + kv, 2, line(r"gen: .*"))
    A("gen_unknown_scenario", ["gen", "frob"], 2, line(r"gen: unknown scenario 'frob'.*"))
    for sc in ["compile", "dilemma", "shared-array", "random-access", "cron", "pagecache", "default"]:
        A("gen_ok_" + sc, ["gen", sc, "seed=3"], 0, r"")
    A("env_bad_datadir", ["run"], 2, line(r".*"), preexec=lambda: os.environ.__setitem__("NUMASIM_DATADIR", "/nonexistent"))
    return C


# ---- output targets --------------------------------------------------------

def output_cases():
    C = []
    small = ["run", "-w", "cron"]
    A = lambda name, argv, rc, err, **kw: C.append(Case("outputs/" + name, [NUMASIM] + argv, rc, err, **kw))
    A("empty", small + ["-o", ""], 2, line(r"numasim: -o: empty file name .*"))
    os.makedirs(os.path.join(TMP, "out/dir"), exist_ok=True)
    A("directory", small + ["-o", "out/dir"], 2, line(r"out/dir: cannot write: is a directory"))
    A("dir_slash", small + ["-o", "out/dir/"], 2, line(r"out/dir/: cannot write: is a directory"))
    A("no_parent", small + ["-o", "out/none/x.txt"], 2, line(r"out/none/x.txt: cannot write: No such file or directory"))
    A("dev_full", small + ["-o", "/dev/full"], 2, line(r"/dev/full: write failed: No space left on device"))
    A("stdout_full", ["sh", "-c", '"$0" run -w cron > /dev/full', NUMASIM][0:0] or [], 0, r"")  # placeholder removed below
    C.pop()
    C.append(Case("outputs/stdout_full", ["sh", "-c", '"$0" run -w cron > /dev/full', NUMASIM], 2,
                  line(r"stdout: write failed: No space left on device")))
    for fmt in ["text", "json", "html"]:
        C.append(Case("outputs/dev_full_" + fmt, [NUMASIM] + small + ["--format", fmt, "-o", "/dev/full"], 2,
                      line(r"/dev/full: write failed: No space left on device")))
        C.append(Case("outputs/ok_" + fmt, [NUMASIM] + small + ["--format", fmt, "-o", "out/r." + fmt], 0, r"",
                      check=lambda f="out/r." + fmt: None if os.path.getsize(os.path.join(TMP, f)) > 100 else f + " is empty"))
    A("too_long_name", small + ["-o", "out/" + "x" * 300], 2, line(r"out/x+: cannot write: File name too long"))
    link_loop = os.path.join(TMP, "out/loop")
    if not os.path.lexists(link_loop):
        os.symlink("loop", link_loop)
    A("symlink_loop", small + ["-o", "out/loop"], 2, line(r"out/loop: cannot write: Too many levels of symbolic links"),
      check=lambda: None if os.path.islink(link_loop) else "the loop link was replaced")
    dang = os.path.join(TMP, "out/dangling")
    if not os.path.lexists(dang):
        os.symlink("dangling-target", dang)
    A("dangling_symlink", small + ["-o", "out/dangling"], 0, r"",
      check=lambda: None if os.path.islink(dang) and os.path.getsize(os.path.join(TMP, "out/dangling-target")) > 0
      else "the dangling link was not written through")
    ro = write("out/readonly.txt", "old")
    os.chmod(ro, 0o444)
    A("readonly_file_mode_kept", small + ["-o", "out/readonly.txt"], 0 if os.getuid() == 0 else 2,
      r"" if os.getuid() == 0 else line(r".*"),
      check=lambda: None if stat.S_IMODE(os.stat(ro).st_mode) == 0o444 else "mode changed")
    fifo = os.path.join(TMP, "out/fifo")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    C.append(Case("outputs/fifo", ["sh", "-c", 'cat out/fifo > out/fifo.txt & "$0" run -w cron -o out/fifo; rc=$?; wait; exit $rc', NUMASIM],
                  0, r"", check=lambda: None if stat.S_ISFIFO(os.stat(fifo).st_mode) and os.path.getsize(os.path.join(TMP, "out/fifo.txt")) > 0
                  else "the FIFO was replaced or its reader got nothing"))
    C.append(Case("outputs/dev_stdout", ["sh", "-c", '"$0" run -w cron -o /dev/stdout > out/via-stdout.txt', NUMASIM], 0, r"",
                  check=lambda: None if os.path.getsize(os.path.join(TMP, "out/via-stdout.txt")) > 0 else "nothing went through /dev/stdout"))
    C.append(Case("outputs/dev_null_is_device", ["sh", "-c", 'test -c /dev/null'], 0, r""))
    keep = write("out/keep.txt", "old")
    A("failed_run_keeps_file", ["run", "-w", "trace/none.trace", "-o", "out/keep.txt"], 2, line(r"trace/none.trace: cannot open: .*"),
      check=lambda: None if open(keep).read() == "old" else "keep.txt changed")
    A("no_temp_left", ["run", "-w", "cron", "-o", "out/clean.txt"], 0, r"",
      check=lambda: None if not [f for f in os.listdir(os.path.join(TMP, "out")) if f.startswith(".")] else "temporary files left")
    C.append(Case("outputs/file_size_limit", ["sh", "-c", 'trap "" XFSZ; ulimit -f 4; exec "$0" run -w cron --format json -o out/keep.txt', NUMASIM],
                  2, line(r"out/keep.txt: write failed: File too large"),
                  check=lambda: None if open(keep).read() == "old" else "keep.txt changed by a failed write"))
    C.append(Case("outputs/sigpipe", ["sh", "-c", '"$0" run -w compile | head -c 1 > /dev/null', NUMASIM], 0, r""))
    C.append(Case("outputs/closed_stdout", ["sh", "-c", '"$0" run -w cron >&-', NUMASIM], 2, line(r"stdout: write failed: .*")))
    C.append(Case("outputs/topo_show_full", ["sh", "-c", '"$0" topo show -t numa16 > /dev/full', NUMASIM], 2,
                  line(r"stdout: write failed: No space left on device")))
    C.append(Case("outputs/gen_full", ["sh", "-c", '"$0" gen compile > /dev/full', NUMASIM], 2,
                  line(r"stdout: write failed: No space left on device")))
    C.append(Case("outputs/validate_full", ["sh", "-c", '"$0" trace validate -w cron > /dev/full', NUMASIM], 2,
                  line(r"stdout: write failed: No space left on device")))
    return C


# ---- signals -----------------------------------------------------------------

LONG = MAGIC + "@0 spawn pid=1 cpu=0\n@1us mmap pid=1 addr=0x10000000 len=64MiB\n" + \
    "".join("@%dms access pid=1 addr=0x10000000 len=64MiB count=20000000 pattern=random seed=%d\n" % (i + 2, i) for i in range(200))


def signal_case(name, sig, delay, twice=False):
    """SIGINT/SIGTERM during the replay: the report so far, marked
    interrupted, exit 128+signal, one stderr line (docs/cli.md "Signals").
    Before the replay starts (or SIGHUP, or a second signal): the process
    dies by the signal, the old report stays, no temporary file is left."""
    write("sig/long.trace", LONG)
    out = os.path.join(TMP, "sig/%s.json" % name)
    with open(out, "w") as f:
        f.write("old")

    def go():
        p = subprocess.Popen([NUMASIM, "run", "-w", "sig/long.trace", "--format", "json", "-o", out], cwd=TMP,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(delay)
        p.send_signal(sig)
        if twice:
            p.send_signal(sig)
        try:
            _, err = p.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            return "did not stop on %s" % sig.name
        err = err.decode("utf-8", "replace")
        left = [f for f in os.listdir(os.path.dirname(out)) if f.startswith(".")]
        if left:
            return "temporary files left: %s" % left
        if p.returncode == -sig:
            if err:
                return "stderr after dying by %s: %r" % (sig.name, err[:300])
            if open(out).read() != "old":
                return "the old report was replaced by a killed run"
            if sig != signal.SIGHUP and not twice and delay >= 1.0:
                return "a %s one second into the replay killed it instead of stopping it" % sig.name
            return None
        if sig == signal.SIGHUP:
            return "exit status %d after SIGHUP, want death by the signal" % p.returncode
        if p.returncode != 128 + sig:
            return "exit status %d after %s, want %d" % (p.returncode, sig.name, 128 + sig)
        if not re.fullmatch(r"numasim: interrupted by %s at t=\d+ ns: the report shows the run so far\n" % sig.name, err):
            return "stderr %r" % err[:300]
        import json
        try:
            rep = json.load(open(out))
        except ValueError as e:
            return "the interrupted report is not JSON: %s" % e
        if rep.get("interrupted") is not True:
            return "the report is not marked interrupted"
        if rep["workload"]["executed"] >= rep["workload"]["records"]:
            return "an interrupted run claims to have run every record"
        return None
    return go


def signal_cases():
    C = []
    for sig in [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]:
        for delay in [0.01, 0.05, 0.3, 1.0]:
            name = "%s_%dms" % (sig.name.lower(), int(delay * 1000))
            fn = signal_case(name, sig, delay)
            C.append(Case("signals/" + name, None, None, None, check=fn))
    for sig in [signal.SIGINT, signal.SIGTERM]:
        name = "%s_twice" % sig.name.lower()
        C.append(Case("signals/" + name, None, None, None, check=signal_case(name, sig, 1.0, twice=True)))
    return C


# ---- resource limits ------------------------------------------------------------

def limit_cases():
    C = []
    for kb in [4000, 8000, 12000, 16000, 24000, 32000, 64000, 100000, 128000, 200000]:
        for t, w in [("ring4", "migrate"), ("numa16", "compile"), ("2socket", "swap")]:
            C.append(Case("limits/ulimit_v_%d_%s_%s" % (kb, t, w),
                          ["sh", "-c", 'ulimit -v %d; exec "$0" run -t %s -w %s --format json -o limit.json' % (kb, t, w), NUMASIM],
                          (0, 2), r"|[^\n]*out of host memory[^\n]*\n"))
    C.append(Case("limits/ulimit_n", ["sh", "-c", 'ulimit -n 3; exec "$0" run -w cron 2>&1 >/dev/null', NUMASIM], (2, 0), r".*"))
    C.append(Case("limits/ulimit_f_stdout", ["sh", "-c", 'trap "" XFSZ; ulimit -f 1; exec "$0" gen compile > big.trace', NUMASIM], 2,
                  line(r"stdout: write failed: File too large")))
    return C


def main():
    groups = {"topo": topo_cases, "trace": trace_cases, "options": option_cases, "outputs": output_cases,
              "signals": signal_cases, "limits": limit_cases}
    todo = groups if GROUP == "all" else {GROUP: groups[GROUP]}
    if os.path.exists("/dev/null") and not stat.S_ISCHR(os.stat("/dev/null").st_mode):
        print("FAIL: /dev/null is not a character device before the corpus runs")
        return 1
    is_asan = b"libasan" in subprocess.run(["ldd", NUMASIM], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    failed = n = 0
    for g, make in todo.items():
        for c in make():
            if g == "limits" and is_asan and "ulimit_v" in c.name:
                continue   # the sanitizers reserve terabytes of address space
            n += 1
            if c.argv is None:
                why = c.check()
            elif isinstance(c.rc, tuple):
                whys = [run(Case(c.name, c.argv, rc, c.err, shell=c.shell, stdin=c.stdin)) for rc in c.rc[:1]]
                why = whys[0]
                if why and "exit status" in why:
                    why = run(Case(c.name, c.argv, c.rc[1], c.err if c.rc[1] else r"", shell=c.shell, stdin=c.stdin))
            else:
                why = run(c)
            if why:
                failed += 1
                print("FAIL %s: %s" % (c.name, why))
    if not stat.S_ISCHR(os.stat("/dev/null").st_mode):
        print("FAIL: /dev/null is no longer a character device")
        failed += 1
    print("%d passed, %d failed" % (n - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        subprocess.run(["rm", "-rf", TMP])
