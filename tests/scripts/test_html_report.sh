#!/bin/sh
# The HTML report is one well-formed, self-contained page: balanced tags,
# no external resources, one bar group per node and an N x N heat map.
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
            if k in a:
                self.external.append(a[k])
        if tag == "rect":
            self.rects += 1
        if tag not in VOID and not (tag == "rect" and self.get_starttag_text().endswith("/>")):
            self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        if tag == "rect":
            self.rects += 1
    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()
c = Check()
c.feed(open(sys.argv[1]).read())
assert not c.stack, f"unclosed: {c.stack}"
assert not c.external, f"external resources: {c.external}"
# 4 nodes x 4 bar parts + 4 legend boxes + 16 matrix cells
assert c.rects == 4 * 4 + 4 + 16, c.rects
print("html report ok")
PY
# with --timeseries: two line charts (free pages per node, local ratio)
"$numasim" run -t ring4 -w "$src/tests/scenarios/task_moved.trace" --timeseries 500ns --format html -o "$tmp/t.html"
python3 - "$tmp/t.html" <<'PY'
import sys
html = open(sys.argv[1]).read()
assert html.count("<polyline") == 4 + 1, html.count("<polyline")
assert "Over time" in html
print("html timeseries ok")
PY
