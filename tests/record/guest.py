#!/usr/bin/env python3
"""guest.py NUMASIM SRCDIR PROGDIR KERNEL [TOPOLOGY] - the programs of
tests/record/ recorded inside a QEMU guest shaped like the topology
(default ring4: 4 nodes, 2 CPUs each), booted with numasim verify's
machinery (verify/guest.py), and replayed on the same topology
(docs/recording.md, "Tests").

In one boot, for each program PROGDIR/record_NAME: `numasim record
--expect-rc` in the guest, the program printing its own numa_maps lines
(REC ...) as the guest kernel placed them; and tests/record/accesses.c
once more under `--accesses 10ms`, spread.c under `--accesses 2ms`
(its four threads stopped for every sample; the replay must still
agree). The disk image comes back to the host
(debugfs rdump), where each trace is replayed with `numasim run -t
TOPOLOGY`, set up as the booted kernel (verify.py's settings: the
kernel's version rules, its LRU, THP never as the guest's command line),
and compared mapping by mapping with tests/record/compare.py: the same
pages on the same nodes (N<node>=), the same policies, every `expect`
with the kernel's results passing. The access records are checked with
check_accesses.py (soft-dirty bits: the Debian kernels have no idle page
tracking).

Exit 0 all agree, 1 a difference, 77 (SKIPPED) when QEMU or the kernel
cannot be had, 2 when the guest failed. Every boot runs under flock
/tmp/qemu.lock (verify/guest.py). NUMASIM_RECORD_GUEST_ONLY=NAME,... runs
only those programs; NUMASIM_VERIFY_KEEP=1 keeps the work directory."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def sh(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kw)


def libs_of(binary):
    """The shared libraries ldd names for binary (with the loader)."""
    p = sh(["ldd", binary])
    out = []
    for line in p.stdout.splitlines():
        m = re.search(r"(/\S+)\s+\(0x", line)
        if m and os.path.exists(m.group(1)):
            out.append(m.group(1))
    return out


# The guest's / is the initramfs: the loader and libraries go where the
# binaries look for them, then each program is recorded with its work
# directory on the ext4 disk.
SCRIPT = r'''#!/bin/sh
mkdir -p /lib64 /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu
for l in /mnt/lib/*; do
	b=$(basename $l)
	[ -e /lib/x86_64-linux-gnu/$b ] || cp $l /lib/x86_64-linux-gnu/$b
	case $b in ld-linux*) [ -e /lib64/$b ] || cp $l /lib64/$b;; esac
done
W=/mnt/w/%(name)s
mkdir -p $W
/mnt/numasim record --expect-rc %(opts)s -o $W/rec.trace -- /mnt/bin/%(prog)s $W %(args)s > $W/measured 2> $W/record.err
echo "recorded %(name)s: exit $?"
cat $W/record.err
'''


def build_tree(numasim, src, progdir, work):
    tree = os.path.join(work, "tree")
    for d in ("progs", "bin", "lib", "w", "t"):
        os.makedirs(os.path.join(tree, d), exist_ok=True)
    shutil.copy(numasim, os.path.join(tree, "numasim"))
    progs = sorted(glob.glob(os.path.join(progdir, "record_*")))
    # the programs of tests/record/*.c, which print what they measured;
    # not helpers such as record_fds_program (tests/record/fds.sh's own)
    progs = [p for p in progs if os.access(p, os.X_OK) and os.path.exists(
        os.path.join(src, "tests", "record", os.path.basename(p)[len("record_"):] + ".c"))]
    if not progs:
        raise SystemExit("guest.py: no record_* programs in %s" % progdir)
    libs = set(libs_of(numasim))
    for p in progs:
        shutil.copy(p, os.path.join(tree, "bin"))
        libs |= set(libs_of(p))
    for l in libs:
        shutil.copy(l, os.path.join(tree, "lib", os.path.basename(l)))
    runs = []
    for p in progs:
        prog = os.path.basename(p)
        name = prog[len("record_"):]
        runs.append((name, prog, "", ""))
        if name == "accesses":
            runs.append(("accesses_pages", prog, "--accesses 10ms", "10"))
        if name == "spread":   # threads stopped for each sample, placement unchanged
            runs.append(("spread_accesses", prog, "--accesses 2ms", ""))
    only = os.environ.get("NUMASIM_RECORD_GUEST_ONLY")
    if only:
        runs = [r for r in runs if r[0] in only.split(",")]
    for name, prog, opts, args in runs:
        path = os.path.join(tree, "progs", name)
        with open(path, "w") as f:
            f.write(SCRIPT % {"name": name, "prog": prog, "opts": opts, "args": args})
        os.chmod(path, 0o755)
    with open(os.path.join(tree, "run.list"), "w") as f:
        f.write("".join(r[0] + "\n" for r in runs))
    open(os.path.join(tree, "sysctls"), "w").close()
    return tree, runs


def replay(numasim, src, topo, version, wdir, settings):
    """Replays wdir/rec.trace; returns (ok, lines to show)."""
    out = []
    measured = os.path.join(wdir, "measured")
    trace = os.path.join(wdir, "rec.trace")
    if not os.path.exists(trace) or not os.path.exists(measured):
        return False, ["no trace or measurement came back"]
    if any(l.startswith("FAIL") for l in open(measured)):
        return False, ["the program failed in the guest:"] + open(measured).read().splitlines()
    p = sh([numasim, "trace", "validate", "-w", trace])
    if p.returncode:
        return False, ["the recorded trace does not validate: " + p.stderr.strip()]
    rep = os.path.join(wdir, "replay.trace")
    with open(trace) as f, open(rep, "w") as g:
        g.writelines(l for l in f if " exit pid=" not in l)
    sets = []
    for kv in settings:
        sets += ["--set", kv]
    js = os.path.join(wdir, "replay.json")
    p = sh([numasim, "run", "-t", topo, "-w", rep, "--format", "json", "-o", js,
            "--no-progress"] + sets)
    if p.returncode:
        q = sh([numasim, "run", "-t", topo, "-w", rep, "--no-progress"] + sets)
        bad = [l for l in q.stdout.splitlines() if "xpect" in l][:20]
        return False, ["the replay exited %d (1: an expect with the kernel's result failed)"
                       % p.returncode] + bad + p.stderr.strip().splitlines()[:3]
    p = sh([sys.executable, os.path.join(HERE, "compare.py"), measured, js, trace])
    out += p.stdout.strip().splitlines()
    return p.returncode == 0, out


def main(argv):
    if len(argv) < 5:
        sys.stderr.write("usage: guest.py NUMASIM SRCDIR PROGDIR KERNEL [TOPOLOGY]\n")
        return 2
    numasim, src, progdir, version = [os.path.abspath(a) for a in argv[1:4]] + [argv[4]]
    topo = argv[5] if len(argv) > 5 else os.path.join(src, "topologies", "ring4.json")
    sys.path.insert(0, os.path.join(src, "verify"))
    import guest  # noqa: E402  (verify/guest.py)
    import verify  # noqa: E402  (verify/verify.py: SIM_SETTINGS)

    if not shutil.which("debugfs"):
        print("SKIPPED: no debugfs (e2fsprogs) to read the guest's disk")
        return 77
    topo_json = json.load(open(topo))
    keep = os.environ.get("NUMASIM_VERIFY_KEEP")
    work = tempfile.mkdtemp(prefix="numasim-record-guest.")
    try:
        tree, runs = build_tree(numasim, src, progdir, work)
        timeout = int(os.environ.get("NUMASIM_VERIFY_TIMEOUT", "900"))
        try:
            guest.check_topology(topo_json)
            try:
                lines, facts = guest.boot(topo_json, version, work, tree, timeout)
            except guest.GuestError as e:
                # a KVM that starts but cannot run this guest (QEMU aborts
                # setting the CPU's MSRs on some hosts): TCG, as verify
                # does for a KVM that never boots
                if os.environ.get("NUMASIM_VERIFY_ACCEL") or guest.accel() != "kvm" or \
                        "QEMU failed" not in str(e) or isinstance(e, guest.RunError):
                    raise
                print("KVM failed (%s): booting under TCG" % e)
                os.environ["NUMASIM_VERIFY_ACCEL"] = "tcg"
                lines, facts = guest.boot(topo_json, version, work, tree, timeout)
        except guest.RunError as e:
            print("the guest failed: %s" % e)
            return 2
        except guest.GuestError as e:
            print("SKIPPED: cannot run the kernel: %s" % e)
            return 77
        print("booted %s (%s) in %.1f s, programs ran %.1f s" % (
            facts["kernel"], facts["accel"], facts["boot_s"], facts["run_s"]))
        back = os.path.join(work, "back")
        os.makedirs(back)
        p = sh(["debugfs", "-R", "rdump /w %s" % back, os.path.join(work, "disk.img")])
        if not os.path.isdir(os.path.join(back, "w")):
            print("cannot read the guest's disk: %s" % p.stderr.strip())
            return 2
        settings = verify.SIM_SETTINGS.get(version, []) + ["mm.transparent_hugepage.enabled=never"]
        bad = 0
        for name, prog, opts, args in runs:
            wdir = os.path.join(back, "w", name)
            err = os.path.join(wdir, "record.err")
            note = open(err).read().strip() if os.path.exists(err) else ""
            if name == "accesses_pages":
                if "nor are soft-dirty" in note or "no access records" in note:
                    print("%s: SKIPPED in the guest: %s" % (name, note.splitlines()[0]))
                    continue
                mode = "soft-dirty" if "from soft-dirty bits" in note else "idle"
                p = sh([sys.executable, os.path.join(HERE, "check_accesses.py"),
                        os.path.join(wdir, "rec.trace"), os.path.join(wdir, "measured"), mode])
                ok, out = p.returncode == 0, p.stdout.strip().splitlines()
            else:
                ok, out = replay(numasim, src, topo, version, wdir, settings)
            print("%s: %s" % (name, "agrees" if ok else "DIFFERS"))
            for l in out:
                print("    " + l)
            if not ok:
                bad += 1
                for l in note.splitlines():
                    print("    record: " + l)
        print("%d programs recorded in the guest, %d differ" % (len(runs), bad))
        return 1 if bad else 0
    finally:
        if keep:
            print("work directory kept: %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
