#!/bin/sh
# -o PATH never replaces what is not a regular file (docs/cli.md, "Output
# files"): a FIFO and a character device given to -o are still one
# afterwards and received the report; a regular file is replaced through
# a mkstemp() temporary file (a symlink planted at the old predictable
# name FILE.tmp.PID receives nothing), keeps its mode, and no temporary
# file is left behind; `-o ""` is one clear line, exit 2.
# Usage: test_output_targets.sh NUMASIM SRCDIR
numasim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$tmp" || exit 1
marker="Memory access locality"
"$numasim" run --no-progress > ref.txt || fail "reference run"
grep -q "$marker" ref.txt || marker=$(sed -n 1p ref.txt)

# 1. a FIFO stays a FIFO and its reader gets the whole report
mkfifo fifo
cat fifo > from_fifo.txt &
reader=$!
"$numasim" run --no-progress -o fifo || fail "run -o fifo exited $?"
wait "$reader"
[ -p fifo ] || fail "fifo is no longer a FIFO: $(ls -l fifo)"
cmp -s ref.txt from_fifo.txt || fail "the FIFO's reader did not get the report"
echo "ok fifo"

# 2. a character device: a pseudo-terminal (any user), read back through
# its master side
python3 - "$numasim" ref.txt <<'PY' || fail "pty case"
import os, pty, subprocess, sys
numasim, ref = sys.argv[1], open(sys.argv[2], 'rb').read()
master, slave = pty.openpty()
name = os.ttyname(slave)
import termios
attrs = termios.tcgetattr(slave)
attrs[1] &= ~termios.OPOST          # no \n -> \r\n on output
termios.tcsetattr(slave, termios.TCSANOW, attrs)
p = subprocess.Popen([numasim, "run", "--no-progress", "-o", name])
got = b""
os.set_blocking(master, False)
import select, time
while True:
    r, _, _ = select.select([master], [], [], 0.2)
    if r:
        try:
            got += os.read(master, 65536)
        except OSError:
            break
    elif p.poll() is not None and not r:
        break
rc = p.wait()
import stat
if rc != 0:
    sys.exit("run -o %s exited %d" % (name, rc))
if not stat.S_ISCHR(os.stat(name).st_mode):
    sys.exit("%s is no longer a character device" % name)
if got != ref:
    sys.exit("the pty received %d bytes, want %d" % (len(got), len(ref)))
print("ok pty", name)
PY

# 3. a character device node made with mknod (root only)
if [ "$(id -u)" = 0 ] && mknod -m 666 nulldev c 1 3 2>/dev/null; then
  "$numasim" run --no-progress -o nulldev || fail "run -o nulldev exited $?"
  [ -c nulldev ] || fail "nulldev is no longer a character device: $(ls -l nulldev)"
  [ ! -s nulldev ] || fail "nulldev holds data"
  echo "ok mknod character device"
else
  echo "SKIPPED: mknod character device (needs root)"
fi

# 4. a symlink planted at the old temporary name receives nothing
echo old > out.txt
sh -c 'ln -s victim "out.txt.tmp.$$"; exec "$0" run --no-progress -o out.txt' "$numasim" \
  || fail "run -o out.txt exited $?"
[ ! -e victim ] || fail "the planted symlink received the report"
cmp -s ref.txt out.txt || fail "out.txt does not hold the report"
rm -f out.txt.tmp.*
echo "ok planted symlink"

# 5. modes: an existing file keeps its mode, a new one gets 0666 & ~umask
chmod 600 out.txt
"$numasim" run --no-progress -o out.txt || fail "rerun"
[ "$(stat -c %a out.txt)" = 600 ] || fail "out.txt mode $(stat -c %a out.txt), want 600"
(umask 027; "$numasim" run --no-progress -o new.txt) || fail "new.txt"
[ "$(stat -c %a new.txt)" = 640 ] || fail "new.txt mode $(stat -c %a new.txt), want 640"
echo "ok modes"

# 6. a symlink to a regular file stays a link; its target gets the report
mkdir sub && echo old > sub/target.txt && ln -s sub/target.txt link.txt
"$numasim" run --no-progress -o link.txt || fail "run -o link.txt"
[ -L link.txt ] || fail "link.txt is no longer a symlink"
cmp -s ref.txt sub/target.txt || fail "the link's target does not hold the report"
echo "ok symlink to a regular file"

# 7. a failed run keeps the old file and leaves no temporary file
echo old > keep.txt
"$numasim" run --no-progress -w /nonexistent.trace -o keep.txt 2>/dev/null && fail "bad trace accepted"
[ "$(cat keep.txt)" = old ] || fail "keep.txt was changed by a failed run"
left=$(ls -A . sub | grep -E '^\.[^.].*\.[A-Za-z0-9]{6}$|tmp' || true)
[ -z "$left" ] || fail "temporary files left: $left"
echo "ok nothing left behind"

# 8. -o "" is one clear line
out=$("$numasim" run --no-progress -o "" 2>&1 >/dev/null); rc=$?
[ "$rc" = 2 ] || fail "-o \"\" exited $rc"
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "-o \"\": more than one line: $out"
printf '%s\n' "$out" | grep -q 'empty file name' || fail "-o \"\": unclear: $out"
echo "ok empty -o"

# 9. a directory is refused in one line
out=$("$numasim" run --no-progress -o sub 2>&1 >/dev/null); rc=$?
[ "$rc" = 2 ] && [ "$out" = "sub: cannot write: is a directory" ] || fail "-o DIR: $rc $out"
[ -d sub ] || fail "sub is no longer a directory"
echo "ok directory"
