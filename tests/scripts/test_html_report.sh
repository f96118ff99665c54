#!/bin/sh
# The HTML report is one well-formed, self-contained page: balanced tags,
# no external resources, the slides, and an N x N heat map. (The page in
# a browser: test_html_slides.sh.)
# Usage: test_html_report.sh NUMASIM SRCDIR
set -e
numasim=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$numasim" run -t ring4 -w "$src/tests/scenarios/fork_cow.trace" --format html -o "$tmp/r.html"
python3 - "$tmp/r.html" <<'PY'
import sys
from html.parser import HTMLParser
VOID = {"meta", "br", "img", "input", "link", "hr"}
class Check(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.rects, self.titles, self.external = [], 0, [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("src", "href"):
            if k in a and not a[k].startswith("#"):
                self.external.append(a[k])
        if tag == "rect" and a.get("class") == "cell":
            self.rects += 1
        if tag == "section":
            self.titles.append(a.get("id"))
        if tag not in VOID and not (tag == "rect" and self.get_starttag_text().endswith("/>")):
            self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        if tag == "rect" and dict(attrs).get("class") == "cell":
            self.rects += 1
    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()
c = Check()
c.feed(open(sys.argv[1]).read())
assert not c.stack, f"unclosed: {c.stack}"
assert not c.external, f"external resources: {c.external}"
assert c.rects == 16, c.rects   # ring4: a 4 x 4 heat map
for want in ("title", "topology", "memory", "memory-time", "locality", "matrix", "counters",
             "snapshots", "tasks", "expects"):
    assert want in c.titles, (want, c.titles)
print("html report ok")
PY
# with --timeseries: a stacked area chart per node (six parts each) and
# the local ratio line
"$numasim" run -t ring4 -w "$src/tests/scenarios/task_moved.trace" --timeseries 500ns --format html -o "$tmp/t.html"
python3 - "$tmp/t.html" <<'PY'
import sys
html = open(sys.argv[1]).read()
assert html.count("<polyline") == 1, html.count("<polyline")
assert html.count("<polygon") == 4 * 6, html.count("<polygon")
assert "over time" in html
print("html timeseries ok")
PY
