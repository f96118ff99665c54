#!/bin/sh
# The HTML report in headless Chromium (Debian `chromium`): for every
# shipped workload, and for a 64-node machine, the page loads with no
# console error, every slide is in the rendered DOM with its parts (the
# topology with one box per node, one memory bar row per node, an N x N
# heat map with numbers and a scale, the counters, snapshots, expects
# without empty boxes), and a screenshot of the whole report is kept in
# the build directory (html-screenshots/NAME.png) as a test artefact.
# Chromium is installed by scripts/setup-chromium when missing; the test
# is SKIPPED (exit 77) when it cannot be.
# Usage: test_html_slides.sh NUMASIM SRCDIR
numasim=$1 src=$2
build=$(cd "$(dirname "$numasim")" && pwd)
shots=$build/html-screenshots
chromium=$(command -v chromium || command -v chromium-browser)
if [ -z "$chromium" ]; then
  "$src/scripts/setup-chromium" >/dev/null 2>&1
  chromium=$(command -v chromium || command -v chromium-browser)
fi
[ -n "$chromium" ] || { echo "SKIPPED: no chromium and it cannot be installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$shots"
fail=0

# A 64-node machine: four groups of 16, distance 12 inside a group, 24
# across; one CPU and 64 MiB per node.
python3 - "$tmp/n64.json" <<'PY'
import json, sys
n = 64
nodes = [{"id": i, "cpus": str(i), "memory": "64MiB"} for i in range(n)]
dist = [[10 if a == b else 12 if a // 16 == b // 16 else 24 for b in range(n)] for a in range(n)]
json.dump({"name": "n64", "page_size": 4096, "nodes": nodes, "distances": dist}, open(sys.argv[1], "w"))
PY
cat > "$tmp/n64.trace" <<'TR'
# numasim trace v1
@0 spawn pid=1 cpu=0
@0 set_mempolicy pid=1 mode=interleave nodes=all
@0 mmap pid=1 addr=0x10000000 len=256MiB
@0 touch pid=1 addr=0x10000000 len=256MiB
@1ms access pid=1 addr=0x10000000 len=256MiB count=100000 pattern=random
@2ms snapshot label=spread pid=1
TR

check() {   # check NAME NODES [TIERS]: the rendered DOM and the console of $tmp/NAME.html
  name=$1 nn=$2 tiers=${3:-1}
  # --dump-dom prints the DOM after load; console messages go to stderr
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0 \
    --dump-dom "file://$tmp/$name.html" > "$tmp/$name.dom" 2> "$tmp/$name.log"
  if grep -E 'CONSOLE|Uncaught|ERR_FILE|ERR_NAME|net::' "$tmp/$name.log" | grep -v 'dbus' | grep -q .; then
    echo "FAIL $name: console errors"; grep -E 'CONSOLE|Uncaught|net::' "$tmp/$name.log" | head -3; fail=1
  fi
  python3 - "$tmp/$name.dom" "$nn" "$name" "$tiers" <<'PY' || fail=1
import sys
from html.parser import HTMLParser
path, nn, name, tiers = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.slide = None; self.count = {}; self.ids = []; self.external = []
        self.text = {}; self.depth = 0
    def bump(self, k):
        key = (self.slide, k); self.count[key] = self.count.get(key, 0) + 1
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("src", "href"):
            if k in a and not a[k].startswith("#"):
                self.external.append(a[k])
        if tag == "link" or tag == "script" and "src" in a:
            self.external.append(tag)
        if tag == "section" and "slide" in (a.get("class") or ""):
            self.slide = a.get("id"); self.ids.append(self.slide)
        cls = a.get("class") or ""
        for c in cls.split():
            self.bump(tag + "." + c)
        self.bump(tag)
    def handle_data(self, d):
        if self.slide:
            self.text[self.slide] = self.text.get(self.slide, "") + d
p = P(); p.feed(open(path).read())
c = lambda slide, k: p.count.get((slide, k), 0)
err = []
want = ["title", "topology", "memory", "memory-time", "locality", "matrix", "counters",
        "snapshots", "tasks", "expects"]
for w in want:
    if w not in p.ids: err.append("no slide " + w)
if p.external: err.append("external resources: %s" % p.external[:3])
if c("topology", "g.node") != nn: err.append("topology: %d node boxes, want %d" % (c("topology", "g.node"), nn))
if c("topology", "line.edge") < nn - 1: err.append("topology: %d edges" % c("topology", "line.edge"))
# one bar row per node: each node has at least its free part
rows = c("memory", "rect.part")
if rows < nn: err.append("memory: %d bar parts for %d nodes" % (rows, nn))
if c("matrix", "rect.cell") != nn * nn: err.append("matrix: %d cells, want %d" % (c("matrix", "rect.cell"), nn * nn))
if c("matrix", "rect.scale") != 1: err.append("matrix: no colour scale")
if nn <= 16 and c("matrix", "text.val") != nn * nn: err.append("matrix: %d numbers" % c("matrix", "text.val"))
for w in ("numa_hit", "pgmigrate_success", "pgscan_kswapd", "pgfault"):
    if w not in p.text.get("counters", ""): err.append("counters lack " + w)
for s in ("expects", "snapshots", "memory-time", "tasks"):
    body = p.text.get(s, "").replace("\n", "").strip()
    if len(body) < 20: err.append(s + " slide is empty")
if c("expects", "pre") or c("expects", "ul") and not c("expects", "li"):
    err.append("expects: an empty box")
# memory tiers: a slide only with several, one line per tier, each node's tier drawn
if tiers > 1:
    if "tiers" not in p.ids: err.append("no tiers slide for %d tiers" % tiers)
    if c("tiers", "polyline.tier") != tiers: err.append("tiers: %d lines, want %d" % (c("tiers", "polyline.tier"), tiers))
    if "tier " not in p.text.get("topology", ""): err.append("topology: node tiers not drawn")
elif "tiers" in p.ids:
    err.append("a tiers slide on a machine with one tier")
if err:
    print("FAIL %s: %s" % (name, "; ".join(err))); sys.exit(1)
PY
  h=$(( 1400 + nn * 60 )); [ $h -gt 9000 ] && h=9000
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size=1280,5200 --screenshot="$shots/$name.png" "file://$tmp/$name.html" > /dev/null 2>&1 ||
    { echo "FAIL $name: no screenshot"; fail=1; }
}

n=0
for w in "$src"/workloads/*.trace; do
  name=$(basename "$w" .trace)
  "$numasim" run -w "$name" --timeseries 5ms --format html -o "$tmp/$name.html" 2> "$tmp/err"
  rc=$?
  [ $rc -le 1 ] || { echo "FAIL $name: run exit $rc"; cat "$tmp/err"; fail=1; continue; }
  check "$name" 4
  n=$((n + 1))
done
"$numasim" run -t "$src/topologies/numa16.json" -w random-access --format html -o "$tmp/numa16.html" && check numa16 16
"$numasim" run -t "$src/topologies/ring4-links.json" -w default --format html -o "$tmp/ring4-links.html" && check ring4-links 4
"$numasim" run -t "$tmp/n64.json" -w "$tmp/n64.trace" --timeseries 200us --format html -o "$tmp/n64.html" && check n64 64
# two tiers (DRAM and CXL, docs/tutorial-tiering.md): demotion and promotion on
"$numasim" run -t "$src/topologies/2socket-cxl.json" -w tiering-hotcold --set kernel.numa_balancing=2 \
  --set mm.numa.demotion_enabled=1 --timeseries 1s --format html -o "$tmp/2socket-cxl.html" && check 2socket-cxl 4 2
echo "$n shipped workloads and 4 machines rendered; screenshots in $shots"
exit $fail
