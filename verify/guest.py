"""The guest side of `numasim verify` (docs/verify.md): a Debian kernel
fetched with apt-get download, a busybox initramfs, a virtio disk holding
the guest programs and the traces' files, and one QEMU boot that runs them
all on a machine shaped like the topology.

Everything here raises GuestError with one line when the kernel or QEMU
cannot be had; the caller turns that into exit status 2."""
import glob
import lzma
import os
import re
import shutil
import signal
import subprocess
import time

# Debian's packages: 6.1 is bookworm's linux-image-amd64, 6.12 comes from
# bookworm-backports (scripts/setup-verify adds that suite to apt's sources).
KERNELS = {"6.1": "linux-image-amd64", "6.12": "linux-image-6.12-amd64"}
# What /init needs to mount the virtio disk; whichever of these the
# kernel's config builds as a module goes in the initramfs, with what it
# depends on (from each module's .modinfo), in dependency order.
WANTED = ["virtio_pci", "virtio_blk", "ext4", "crc32c_generic"]
BUSYBOX = "/bin/busybox"
GUEST_MIB_MAX = 1536


class GuestError(Exception):
    pass


class RunError(Exception):
    """QEMU ran but the guest did not finish: a failure, never a skip."""


class TopoError(GuestError):
    """A topology QEMU cannot be given: bad input, not a missing tool."""


def cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "numasim", "verify")


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kw)


def image_package(version):
    """The real package behind the meta package: linux-image-6.1.0-NN-amd64."""
    meta = KERNELS[version]
    p = run(["apt-cache", "depends", meta])
    if p.returncode:
        raise GuestError("kernel %s: apt-cache knows no %s%s" % (
            version, meta, " (run scripts/setup-verify to add bookworm-backports)"
            if version == "6.12" else ""))
    for line in p.stdout.splitlines():
        m = re.match(r"\s*Depends:\s*(linux-image-[0-9][^\s]*-amd64)$", line)
        if m:
            return m.group(1)
    raise GuestError("kernel %s: %s depends on no linux-image package" % (version, meta))


def kernel(version):
    """Fetches (once) and unpacks the kernel; returns (vmlinuz, config,
    modules dir, release)."""
    if version not in KERNELS:
        raise GuestError("kernel %s: not one of %s" % (version, ", ".join(KERNELS)))
    root = os.path.join(cache_dir(), "kernel-" + version)
    done = os.path.join(root, ".unpacked")
    if not os.path.exists(done):
        if not shutil.which("apt-get"):
            raise GuestError("kernel %s: no apt-get to fetch it with" % version)
        pkg = image_package(version)
        deb = os.path.join(cache_dir(), "deb")
        os.makedirs(deb, exist_ok=True)
        if not glob.glob(os.path.join(deb, pkg + "_*.deb")):
            p = run(["apt-get", "download", pkg], cwd=deb)
            if p.returncode or not glob.glob(os.path.join(deb, pkg + "_*.deb")):
                last = (p.stderr.strip().splitlines() or ["no output"])[-1]
                raise GuestError("kernel %s: apt-get download %s failed: %s" % (version, pkg, last))
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(root)
        p = run(["dpkg-deb", "-x", glob.glob(os.path.join(deb, pkg + "_*.deb"))[0], root])
        if p.returncode:
            raise GuestError("kernel %s: dpkg-deb -x failed: %s" % (version, p.stderr.strip()))
        open(done, "w").close()
    vmlinuz = glob.glob(os.path.join(root, "boot", "vmlinuz-*"))
    config = glob.glob(os.path.join(root, "boot", "config-*"))
    if not vmlinuz or not config:
        raise GuestError("kernel %s: no vmlinuz or config in %s" % (version, root))
    release = os.path.basename(vmlinuz[0])[len("vmlinuz-"):]
    mods = os.path.join(root, "lib", "modules", release)
    return vmlinuz[0], config[0], mods, release


def module_files(mods):
    files = {}
    for path in glob.glob(os.path.join(mods, "kernel", "**", "*.ko*"), recursive=True):
        name = os.path.basename(path).split(".ko")[0].replace("-", "_")
        files[name] = path
    return files


def module_bytes(path):
    with open(path, "rb") as f:
        data = f.read()
    return lzma.decompress(data) if path.endswith(".xz") else data


def module_depends(data):
    m = re.search(rb"(?:^|\0)depends=([^\0]*)\0", data)
    return [d.decode().replace("-", "_") for d in m.group(1).split(b",") if d] if m else []


def config_module(config, name):
    """True when the kernel's config builds NAME's option as a module."""
    opts = {"virtio_pci": "CONFIG_VIRTIO_PCI", "virtio_blk": "CONFIG_VIRTIO_BLK",
            "ext4": "CONFIG_EXT4_FS", "crc32c_generic": "CONFIG_CRYPTO_CRC32C"}
    text = open(config).read()
    return re.search(r"^%s=m$" % opts[name], text, re.M) is not None


def modules_in_order(config, mods):
    """[(name, bytes)] of the modules /init loads, dependencies first."""
    files = module_files(mods)
    order, seen = [], set()

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        if name not in files:
            raise GuestError("kernel module %s is not in %s" % (name, mods))
        data = module_bytes(files[name])
        for dep in module_depends(data):
            visit(dep)
        order.append((name, data))

    for name in WANTED:
        if config_module(config, name):
            visit(name)
    return order


INIT = r'''#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /mnt /tmp /bin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /modules.order); do insmod /lib/$m.ko; done
out=/dev/ttyS1
mount -t ext4 /dev/vda /mnt || { echo "VERIFY FAIL mount /dev/vda" > $out; poweroff -f; }
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t debugfs debugfs /sys/kernel/debug
echo +cpuset > /sys/fs/cgroup/cgroup.subtree_control
# numasim's defaults where Debian's differ (docs/verify.md)
echo 0 > /proc/sys/kernel/numa_balancing
# khugepaged (started when a trace enables THP) collapses nothing in a
# run, as numasim has none: one PMD a scan, a day between scans, and
# never over an empty, swapped or shared pte
k=/sys/kernel/mm/transparent_hugepage/khugepaged
echo 86400000 > $k/scan_sleep_millisecs; echo 86400000 > $k/alloc_sleep_millisecs
echo 1 > $k/pages_to_scan; echo 0 > $k/max_ptes_none; echo 0 > $k/max_ptes_swap; echo 0 > $k/max_ptes_shared
for f in $(cat /mnt/sysctls); do cp $f /tmp/saved.$(echo $f | tr / _); done
echo "VERIFY BOOTED $(uname -r) $(cat /proc/uptime)" > $out
# each zone's present and managed pages as booted (numasim then holds the
# same memory back: docs/verify.md "The machine as booted")
awk '/^Node/ { n = $2; sub(",", "", n); z = $4 } $1 == "present" { p = $2 }
	$1 == "managed" { print "ZONE", n, z, p, $2 }' /proc/zoneinfo > $out
# NUMASIM_VERIFY_KSWAPD_TRACE (docs/verify.md): kswapd's wakeups and runs
# and the movable pages allocated meanwhile, from ftrace; its buffers
# (4 MiB a CPU) are kernel memory numasim's side does not know of
T=/sys/kernel/debug/tracing
if [ -e /mnt/kswapd_trace ]; then
	echo 4096 > $T/buffer_size_kb
	echo 'prev_comm ~ "kswapd*" || next_comm ~ "kswapd*"' > $T/events/sched/sched_switch/filter
	echo 'gfp_flags & 8' > $T/events/kmem/mm_page_alloc/filter
	echo 0 > $T/tracing_on
	for e in sched/sched_switch vmscan/mm_vmscan_wakeup_kswapd kmem/mm_page_alloc kmem/mm_page_alloc_extfrag; do
		echo 1 > $T/events/$e/enable
	done
fi
# kcompactd's migrations, told apart from the others that pgmigrate_*
# count (docs/verify.md): every migrate:mm_migrate_pages event, summed
# by whether its reason is compaction, in an instance of its own with
# 32 KiB a CPU
C=$T/instances/compact
mkdir $C && echo 32 > $C/buffer_size_kb && echo 0 > $C/tracing_on &&
	echo 1 > $C/events/migrate/mm_migrate_pages/enable || C=
for n in $(cat /mnt/run.list); do
	sync; echo 3 > /proc/sys/vm/drop_caches
	# the pageblocks by migratetype and their free pages as this program
	# starts (docs/verify.md "The machine as booted")
	sed "s/^/PTI $n /" /proc/pagetypeinfo > $out
	# and the pages on each CPU's per-CPU lists, which pagetypeinfo
	# does not count (PCP prog node zone cpu count)
	awk -v n=$n '/^Node/ { d = $2; sub(",", "", d); z = $4; c = "" } $1 == "cpu:" { c = $2 }
		$1 == "count:" && c != "" { print "PCP", n, d, z, c, $2 }' /proc/zoneinfo > $out
	[ -e /mnt/kswapd_trace ] && { echo > $T/trace; echo 1 > $T/tracing_on; }
	[ -n "$C" ] && { echo > $C/trace; echo 1 > $C/tracing_on; }
	echo "BEGIN $n" > $out
	# t3.r2 is the second run of program t3 (a trace's verify-runs)
	/mnt/progs/${n%%.*} > $out 2> /tmp/err
	rc=$?
	[ -e /mnt/kswapd_trace ] && echo 0 > $T/tracing_on
	sed 's/^/STDERR /' /tmp/err > $out
	if [ -n "$C" ]; then
		echo 0 > $C/tracing_on
		awk '/ mm_migrate_pages: / { c = / reason=compaction/ ? "compact" : "other"
				for (i = 1; i <= NF; i++) { split($i, kv, "=")
					if (kv[1] == "nr_succeeded") m[c] += kv[2]; if (kv[1] == "nr_failed") f[c] += kv[2] } }
			END { print "VMSTAT compact_migrated", m["compact"] + 0
				print "VMSTAT compact_migrate_failed", f["compact"] + 0
				print "VMSTAT other_migrated", m["other"] + 0; print "VMSTAT other_migrate_failed", f["other"] + 0 }' $C/trace > $out
		awk '$1 == "overrun:" { o += $2 } END { print "VMSTAT compact_trace_lost", o + 0 }' $C/per_cpu/cpu*/stats > $out
	fi
	echo "END $n $rc" > $out
	if [ -e /mnt/kswapd_trace ]; then
		awk -v n=$n '/ mm_page_alloc:/ { c++; next } /^#/ { next } { print "KTRACE", n, c + 0, $0 }' $T/trace > $out
		awk -v n=$n '$1 == "overrun:" { o += $2 } END { print "KTRACE", n, "LOST", o + 0 }' $T/per_cpu/cpu*/stats > $out
	fi
	for d in $(find /sys/fs/cgroup -mindepth 1 -type d | sort -r); do rmdir $d 2>/dev/null; done
	# a THP file reads "always madvise [never]": the bracketed word is written back
	for f in $(cat /mnt/sysctls); do sed 's/.*\[\(.*\)\].*/\1/' /tmp/saved.$(echo $f | tr / _) > $f; done
done
echo "VERIFY DONE $(cat /proc/uptime)" > $out
sync
umount /mnt
poweroff -f
'''


def initramfs(path, config, mods):
    if not os.path.exists(BUSYBOX):
        raise GuestError("no %s (apt-get install busybox-static)" % BUSYBOX)
    if not shutil.which("cpio"):
        raise GuestError("no cpio (apt-get install cpio)")
    tree = path + ".d"
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(os.path.join(tree, "bin"))
    os.makedirs(os.path.join(tree, "lib"))
    shutil.copy(BUSYBOX, os.path.join(tree, "bin", "busybox"))
    order = modules_in_order(config, mods)
    for name, data in order:
        with open(os.path.join(tree, "lib", name + ".ko"), "wb") as f:
            f.write(data)
    with open(os.path.join(tree, "modules.order"), "w") as f:
        f.write("".join(n + "\n" for n, _ in order))
    with open(os.path.join(tree, "init"), "w") as f:
        f.write(INIT)
    os.chmod(os.path.join(tree, "init"), 0o755)
    names = []
    for d, dirs, fs in os.walk(tree):
        for x in sorted(dirs + fs):
            names.append(os.path.relpath(os.path.join(d, x), tree))
    p = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet", "-O", path],
                       input="\n".join(sorted(names)) + "\n", cwd=tree,
                       universal_newlines=True, stderr=subprocess.PIPE)
    if p.returncode:
        raise GuestError("cpio failed: %s" % p.stderr.strip())
    shutil.rmtree(tree)


def disk(path, tree):
    """An ext4 image holding TREE (the programs, run.list, the files)."""
    if not shutil.which("mkfs.ext4"):
        raise GuestError("no mkfs.ext4 (apt-get install e2fsprogs)")
    total = 0
    for d, _, fs in os.walk(tree):
        for x in fs:
            total += os.path.getsize(os.path.join(d, x))
    mib = max(128, total // (1 << 20) * 2 + 64)
    if os.path.exists(path):
        os.unlink(path)
    p = run(["mkfs.ext4", "-q", "-F", "-d", tree, "-E", "root_owner=0:0", path, "%dM" % mib])
    if p.returncode:
        raise GuestError("mkfs.ext4 failed: %s" % p.stderr.strip())


def cpu_ranges(spec):
    cpus = []
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            cpus.extend(range(int(a), int(b) + 1))
        elif part:
            cpus.append(int(part))
    return cpus


def mib(size):
    m = re.fullmatch(r"(\d+)\s*([KMGT]?)(i?B)?", str(size))
    if not m:
        raise GuestError("memory size %r is not N[KMG]iB" % size)
    mult = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}[m.group(2)]
    b = int(m.group(1)) * mult
    if b % (1 << 20):
        raise GuestError("memory size %s is not whole MiB (QEMU needs it)" % size)
    return b >> 20


def accel():
    """KVM when /dev/kvm opens read-write, else TCG."""
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
        os.close(fd)
        return "kvm"
    except OSError:
        return "tcg"


def check_topology(topo):
    """Returns (MiB, CPUs) of a machine QEMU can be given, or raises TopoError."""
    nodes = topo["nodes"]
    try:
        total = sum(mib(n["memory"]) for n in nodes)
    except GuestError as e:
        raise TopoError(str(e))
    if total > GUEST_MIB_MAX:
        raise TopoError("topology %s has %d MiB; verify boots machines of at most %d MiB" % (
            topo.get("name", "?"), total, GUEST_MIB_MAX))
    ncpu = sum(len(cpu_ranges(n.get("cpus", ""))) for n in nodes)
    if not ncpu or sorted(c for n in nodes for c in cpu_ranges(n.get("cpus", ""))) != list(range(ncpu)):
        raise TopoError("topology %s: QEMU needs CPUs numbered 0..%d, each on one node" % (
            topo.get("name", "?"), max(ncpu - 1, 0)))
    return total, ncpu


def qemu_cmd(topo, vmlinuz, initrd, img, console, results, acc):
    nodes = topo["nodes"]
    total, ncpu = check_topology(topo)
    cmd = ["qemu-system-x86_64", "-nodefaults", "-no-reboot", "-display", "none",
           "-monitor", "none", "-m", "%dM" % total, "-smp", str(ncpu)]
    if acc == "kvm":
        cmd += ["-accel", "kvm", "-cpu", "host"]
    else:
        cmd += ["-accel", "tcg,thread=single", "-cpu", "max"]
    for n in nodes:
        i = n["id"]
        cmd += ["-object", "memory-backend-ram,id=m%d,size=%dM" % (i, mib(n["memory"]))]
        opt = "node,nodeid=%d,memdev=m%d" % (i, i)
        cpus = cpu_ranges(n.get("cpus", ""))
        # one cpus= per contiguous run
        run_start = None
        for j, c in enumerate(cpus):
            if run_start is None:
                run_start = c
            if j + 1 == len(cpus) or cpus[j + 1] != c + 1:
                opt += ",cpus=%d" % run_start + ("-%d" % c if c != run_start else "")
                run_start = None
        cmd += ["-numa", opt]
    dist = topo.get("distances")
    for a, row in enumerate(dist or []):
        for b, d in enumerate(row):
            if a != b:
                cmd += ["-numa", "dist,src=%d,dst=%d,val=%d" % (
                    nodes[a]["id"], nodes[b]["id"], d)]
    cmd += ["-kernel", vmlinuz, "-initrd", initrd,
            "-append", "console=ttyS0 quiet loglevel=3 panic=-1 nokaslr "
            "transparent_hugepage=never numa_balancing=disable rdinit=/init",
            "-drive", "file=%s,if=virtio,format=raw,cache=unsafe" % img,
            "-serial", "file:" + console, "-serial", "file:" + results]
    return cmd


KVM_BOOT_S = 30


def stop(p):
    """Ends flock and the QEMU it started: the whole process group."""
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()


def qemu_run(cmd, results, timeout, boot_s):
    """Runs QEMU under the machine-wide lock; 0, an exit status, "timeout",
    or "noboot" when the guest said nothing on the results port in BOOT_S
    seconds (counted from when the lock is ours)."""
    for f in (results, results + ".lock"):
        if os.path.exists(f):
            os.unlink(f)
    # the lock is taken first; QEMU starts when `flock` has it
    p = subprocess.Popen(["flock", "/tmp/qemu.lock", "sh", "-c",
                          ': > "$0.lock"; exec "$@"', results] + cmd,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         universal_newlines=True, start_new_session=True)
    try:
        return qemu_watch(p, results, timeout, boot_s)
    except BaseException:
        stop(p)
        raise


def qemu_watch(p, results, timeout, boot_s):
    start = None
    while True:
        try:
            p.wait(timeout=0.5)
            break
        except subprocess.TimeoutExpired:
            pass
        if start is None and os.path.exists(results + ".lock"):
            start = time.monotonic()
        if start is None:
            continue
        now = time.monotonic() - start
        said = os.path.exists(results) and os.path.getsize(results) > 0
        if now > timeout or (not said and now > boot_s):
            stop(p)
            return ("noboot" if not said else "timeout"), ""
    err = p.stderr.read()
    if os.path.exists(results + ".lock"):
        os.unlink(results + ".lock")
    return p.returncode, err


def read_results(results):
    """The results port's lines ([] when the guest wrote nothing)."""
    if not os.path.exists(results):
        return []
    return open(results, errors="replace").read().replace("\r", "").splitlines()


def finished(results):
    return any(x.startswith("VERIFY DONE") for x in read_results(results))


def running(lines):
    """' during program N' when the results port has a BEGIN without END."""
    begun = [x.split()[1] for x in lines if x.startswith("BEGIN ") and len(x.split()) > 1]
    ended = {x.split()[1] for x in lines if x.startswith("END ") and len(x.split()) > 1}
    left = [n for n in begun if n not in ended]
    return " during program %s" % left[-1] if left else ""


def console_tail(console, n=25):
    """The console's last N lines, indented, for the error (the work
    directory holding it is removed unless NUMASIM_VERIFY_KEEP is set)."""
    try:
        text = open(console, errors="replace").read().replace("\r", "")
    except OSError:
        return ""
    tail = [x for x in text.splitlines() if x.strip()][-n:]
    return "".join("\n  console: " + x for x in tail) if tail else "\n  console: (empty)"


def boot(topo, version, work, tree, timeout):
    """Boots the machine once with TREE on its disk; returns (the results
    port's lines, facts about the boot)."""
    if not shutil.which("qemu-system-x86_64"):
        raise GuestError("no qemu-system-x86_64 (apt-get install qemu-system-x86)")
    if not shutil.which("flock"):
        raise GuestError("no flock (util-linux)")
    vmlinuz, config, mods, release = kernel(version)
    initrd = os.path.join(work, "initramfs.cpio")
    img = os.path.join(work, "disk.img")
    console = os.path.join(work, "console.log")
    results = os.path.join(work, "results.log")
    initramfs(initrd, config, mods)
    disk(img, tree)
    acc = os.environ.get("NUMASIM_VERIFY_ACCEL") or accel()
    marker = os.path.join(cache_dir(), "kvm-hangs-" + os.uname().release)
    tried = []
    if acc == "kvm" and os.path.exists(marker):
        tried.append("kvm (hung before, %s)" % marker)
        acc = "tcg"
    while True:
        cmd = qemu_cmd(topo, vmlinuz, initrd, img, console, results, acc)
        with open(os.path.join(work, "qemu.cmd"), "w") as f:
            f.write(" ".join(cmd) + "\n")
        t0 = time.monotonic()
        rc, err = qemu_run(cmd, results, timeout, KVM_BOOT_S if acc == "kvm" else timeout)
        wall = time.monotonic() - t0
        said = os.path.exists(results) and os.path.getsize(results) > 0
        if acc == "kvm" and (rc == "noboot" or (rc not in (0, "timeout") and not said)):
            # /dev/kvm opens, but this host's KVM cannot run the kernel
            # (a PVM host runs only PVM guests; here QEMU may also die
            # of an assertion setting MSRs): remember, and use TCG
            open(marker, "w").close()
            tried.append("kvm (no boot in %d s)" % KVM_BOOT_S if rc == "noboot" else
                         "kvm (QEMU failed: %s)" % ((err.strip().splitlines() or ["exit %s" % rc])[-1]))
            acc = "tcg"
            continue
        if acc == "kvm" and rc != "timeout" and not finished(results):
            # the guest booted under KVM and died before the end (a reset,
            # or QEMU failing mid-run): a fault of this host's KVM, not of
            # the kernel under test, which TCG then runs in full; a guest
            # that dies under TCG too is a failure, reported below
            lines = read_results(results)
            if os.path.exists(console):
                os.replace(console, console + ".kvm")
            open(marker, "w").close()
            tried.append("kvm (the guest stopped before the end%s; QEMU %s)" % (
                running(lines), "exit %s" % rc if rc else "exited"))
            acc = "tcg"
            continue
        if acc == "tcg" and rc != "timeout" and not said and not any(x.startswith("tcg") for x in tried):
            # QEMU ended before the guest's init said a word (seen once in
            # some forty TCG boots here, on a loaded host): boot once more;
            # a second silent boot is reported below with its console
            if os.path.exists(console):
                os.replace(console, console + ".1")
            tried.append("tcg (QEMU %s before the guest spoke: booted again)" % (
                "exit %s" % rc if rc else "exited"))
            continue
        break
    said = os.path.exists(results) and os.path.getsize(results) > 0
    if rc in ("timeout", "noboot"):
        raise (RunError if said else GuestError)("QEMU did not finish in %d s%s (console: %s)%s" % (
            timeout, running(read_results(results)), console, console_tail(console)))
    if rc:
        last = (err.strip().splitlines() or ["exit %s" % rc])[-1]
        raise (RunError if said else GuestError)("QEMU failed: %s" % last)
    lines = read_results(results)
    booted = [x for x in lines if x.startswith("VERIFY BOOTED")]
    if not booted:
        fail = [x for x in lines if x.startswith("VERIFY FAIL")]
        raise GuestError("the guest did not boot: %s (console: %s)%s" % (
            fail[0][12:] if fail else "no output", console, console_tail(console)))
    if not any(x.startswith("VERIFY DONE") for x in lines):
        raise RunError("the guest stopped before the end%s (console: %s)%s" % (
            running(lines), console, console_tail(console)))
    up = float(booted[0].split()[3])
    done = float([x for x in lines if x.startswith("VERIFY DONE")][0].split()[2])
    facts = {"kernel": release, "version": version, "accel": acc, "fallback": tried, "wall_s": round(wall, 2),
             "boot_s": round(up, 2), "run_s": round(done - up, 2)}
    return lines, facts
