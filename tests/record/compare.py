#!/usr/bin/env python3
"""compare.py MEASURED REPLAY.json TRACE - compares the numa_maps lines a
program measured on the real kernel (REC <pid> <line>) with numasim's
numa_maps of the replay of its recording: same mapping (start address),
same policy as numa_maps prints it, same resident pages (anon=, N<node>=,
and file= for file mappings). Also checks that the replay ran every
`expect` the recording wrote (the kernel's rc and status values).

Exit 0 when everything agrees, 1 on a mismatch (each printed as
`pid P mapping A: FIELD: kernel X, numasim Y`).
"""
import json
import re
import sys

COMPARED = re.compile(r"^(anon|N\d+|file)=")


def fields(line):
    words = line.split()
    addr, policy = words[0], words[1]
    rest = {}
    for w in words[2:]:
        if COMPARED.match(w):
            k, v = w.split("=", 1)
            rest[k] = v
    return addr, policy, rest


def main():
    measured, replay, trace = sys.argv[1:4]
    with open(replay) as f:
        rep = json.load(f)
    sim = {}
    for t in rep["tasks"]:
        for line in t.get("numa_maps", []):
            addr, policy, rest = fields(line)
            sim[(t["pid"], int(addr, 16))] = (policy, rest)
    bad = n = 0
    with open(measured) as f:
        for line in f:
            if not line.startswith("REC "):
                continue
            _, pid, text = line.rstrip("\n").split(" ", 2)
            addr, policy, rest = fields(text)
            n += 1
            key = (int(pid), int(addr, 16))
            if key not in sim:
                print("pid %s mapping %s: numasim has no such mapping" % (pid, addr))
                bad += 1
                continue
            spol, srest = sim[key]
            if spol != policy:
                print("pid %s mapping %s: policy: kernel %s, numasim %s" % (pid, addr, policy, spol))
                bad += 1
            for k in sorted(set(rest) | set(srest)):
                if rest.get(k) != srest.get(k):
                    print("pid %s mapping %s: %s: kernel %s, numasim %s"
                          % (pid, addr, k, rest.get(k, "-"), srest.get(k, "-")))
                    bad += 1
    if not n:
        print("the program reported no mapping")
        return 1
    with open(trace) as f:
        expects = sum(1 for l in f if l.split()[1:2] == ["expect"])
    ran = rep["expects"]["passed"] + rep["expects"]["failed"]
    if ran != expects:
        print("the trace has %d expects, the replay ran %d" % (expects, ran))
        bad += 1
    print("%d mappings compared, %d expects with the kernel's results, %d mismatches"
          % (n, expects, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
