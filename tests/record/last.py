#!/usr/bin/env python3
"""last.py NUMASIM PROG - records tests/record/last/last.c, whose tasks
(a thread, a forked child, the main task, and then a second child after
the main task's end) each end with an mmap, page writes, an mprotect and a
read, a madvise and a munmap, and checks what the end of a recording must
give (docs/recording.md, "System calls"):

- the trace validates (`numasim trace validate`) as soon as `numasim
  record` has exited, and for each `LAST <tid> <addr>` line of the program
  the task's records of its last mapping are all there, in the order the
  program made the calls: mmap of 16 KiB, a 12 KiB touch of pages 0-2, a
  `read` touch of page 3 (read-only by then: the mprotect), madvise
  dontneed of page 1, munmap of the 16 KiB; then the task's exit. These
  are Linux facts about what the program did (its own calls, in program
  order), not numasim output;
- numasim's standard output and error (pipes here) are closed by every
  process once it has exited: the tracepoints' last close runs in a
  detached process, which must hold nothing of its caller's;
- that process ends by itself: with this script as the child subreaper
  it is reparented here, and must exit with status 0 within 10 s (no
  process left behind, no zombie).

With the tracepoints (the default, as root), with the close in the tracer
(NUMASIM_RECORD_WAIT_CLOSE=1) and without tracepoints
(NUMASIM_RECORD_NO_TRACEPOINTS=1: the calls stop instead). Exit 77
(SKIPPED) when ptrace is not permitted here.
"""
import ctypes
import os
import re
import subprocess
import sys
import tempfile
import time

PR_SET_CHILD_SUBREAPER = 36


def size(text):
    """a trace length (4KiB, 12KiB, 16KiB) in bytes"""
    m = re.fullmatch(r"(\d+)(KiB|MiB)?", text)
    return int(m.group(1)) * {None: 1, "KiB": 1024, "MiB": 1 << 20}[m.group(2)]


def records_of(trace, tid, addr):
    """the records of task tid naming an address in [addr, addr + 16 KiB),
    from its mmap of addr on, as (op, offset, len, words), with touches of
    consecutive pages with the same flags as one (the task may change CPU
    between two pages: two records); and whether its exit comes after them"""
    lo, hi = addr, addr + 16 * 1024
    got, exited, started = [], False, False
    for line in trace.splitlines():
        if line.startswith("#"):
            continue
        f = line.split()
        if len(f) < 3 or f[2] != "pid=%d" % tid:
            continue
        op, kv = f[1], dict(x.split("=", 1) for x in f[2:] if "=" in x)
        words = [x for x in f[2:] if "=" not in x]
        if "advice" in kv:
            words.append("advice=" + kv["advice"])
        if op == "exit":
            exited = started
            continue
        if "addr" not in kv:
            continue
        a = int(kv["addr"], 16)
        if op == "mmap" and a == addr:
            started, got = True, []
        if not started or not lo <= a < hi:
            continue
        rec = [op, a - lo, size(kv.get("len", "0")), words]
        if got and op == "touch" and got[-1][0] == "touch" and got[-1][3] == words and \
                got[-1][1] + got[-1][2] == rec[1]:
            got[-1][2] += rec[2]
        else:
            got.append(rec)
    return [tuple(r[:3]) + (" ".join(r[3]),) for r in got] if started else None, exited


EXPECTED = [
    ("mmap", 0, 16384, ""),
    ("touch", 0, 12288, ""),
    ("touch", 12288, 4096, "read"),
    ("madvise", 4096, 4096, "advice=dontneed"),
    ("munmap", 0, 16384, ""),
]


def main():
    numasim, prog = sys.argv[1], sys.argv[2]
    w = tempfile.mkdtemp(prefix="numasim-last.")
    probe = subprocess.run([numasim, "record", "-o", os.path.join(w, "probe.trace"), "--", "true"],
                           capture_output=True, text=True, timeout=120)
    if probe.returncode:
        print("SKIPPED: " + (probe.stderr.splitlines() or ["record failed"])[0])
        return 77
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0):
        print("FAIL: prctl(PR_SET_CHILD_SUBREAPER): %s" % os.strerror(ctypes.get_errno()))
        return 1
    fail = 0
    for mode in ("tracepoints", "NUMASIM_RECORD_WAIT_CLOSE=1", "NUMASIM_RECORD_NO_TRACEPOINTS=1"):
        env = dict(os.environ)
        if "=" in mode:
            k, v = mode.split("=")
            env[k] = v
        trace_path = os.path.join(w, "last.trace")
        if os.path.exists(trace_path):
            os.unlink(trace_path)
        p = subprocess.Popen([numasim, "record", "-o", trace_path, "--", prog],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        # reaped by pid: the detached closer must stay for the loop below
        _, status = os.waitpid(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        outs = []
        for f in (p.stdout, p.stderr):
            os.set_blocking(f.fileno(), False)
            data = b""
            try:
                while True:
                    chunk = os.read(f.fileno(), 65536)
                    if not chunk:
                        break
                    data += chunk
            except BlockingIOError:
                print("FAIL (%s): numasim's %s is still open in another process after it exited"
                      % (mode, "stdout" if f is p.stdout else "stderr"))
                fail = 1
            outs.append(data.decode())
        out, err = outs
        if p.returncode:
            print(err)
            print("FAIL (%s): numasim record exited %d" % (mode, p.returncode))
            return 1
        if "FAIL" in out:
            print(out)
            print("FAIL (%s): the program failed" % mode)
            return 1
        v = subprocess.run([numasim, "trace", "validate", "-w", trace_path],
                           capture_output=True, text=True)
        if v.returncode:
            print(v.stdout + v.stderr)
            print("FAIL (%s): the trace does not validate" % mode)
            fail = 1
        with open(trace_path) as f:
            trace = f.read()
        lasts = re.findall(r"^LAST (\d+) 0x([0-9a-f]+)$", out, re.M)
        if len(lasts) != 4:
            print(out)
            print("FAIL (%s): %d LAST lines, 4 expected" % (mode, len(lasts)))
            return 1
        for tid, addr in lasts:
            got, exited = records_of(trace, int(tid), int(addr, 16))
            if got != EXPECTED or not exited:
                print("FAIL (%s): task %s: its last records are %s%s, expected %s and its exit"
                      % (mode, tid, got, "" if exited else " without its exit", EXPECTED))
                fail = 1
        # a closer, if any, is reparented here and ends by itself (so is
        # the program's last child: its parent ended before it)
        closers = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                si = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                break
            if not si:
                time.sleep(0.02)
                continue
            with open("/proc/%d/comm" % si.si_pid) as f:
                comm = f.read().strip()
            _, st = os.waitpid(si.si_pid, 0)
            if comm == "numasim" or os.waitstatus_to_exitcode(st):
                closers.append((si.si_pid, os.waitstatus_to_exitcode(st)))
        else:
            print("FAIL (%s): a process numasim left behind is still running after 10 s" % mode)
            fail = 1
        if len(closers) > 1 or any(rc for _, rc in closers):
            print("FAIL (%s): processes left behind and their exit codes: %s" % (mode, closers))
            fail = 1
        if not fail:
            print("ok (%s): 4 tasks' last records, %d detached closer(s) reaped"
                  % (mode, len(closers)))
    subprocess.run(["rm", "-rf", w])
    return fail


if __name__ == "__main__":
    sys.exit(main())
