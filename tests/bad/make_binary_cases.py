#!/usr/bin/env python3
"""Writes the damaged binary traces of tests/bad (bin_*.ntrace), encoding
them by hand from docs/trace-format.md "Binary traces" (independently of
the simulator's encoder). Run from anywhere; the files are committed."""
import os

MAGIC = b"\x89NSTR\r\n\x1a"


def uv(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def s(b):
    return uv(len(b)) + b


def header(version=1, name=b"bad", params=()):
    h = MAGIC + bytes([version]) + s(name) + uv(len(params))
    for k, v in params:
        h += s(k) + s(v)
    return h


def line(dline, text):
    return b"\x03" + uv(dline) + s(text)


def touch(dline, dt, opt, pid, daddr_zz, ln, stride=None):
    r = b"\x01" + uv(dline) + uv(dt) + bytes([opt]) + uv(pid) + uv(daddr_zz) + uv(ln)
    if stride is not None:
        r += uv(stride)
    return r


def end(n):
    return b"\x00" + uv(n)


spawn = line(2, b"@0 spawn pid=1 cpu=0")
mmap = line(1, b"@0 mmap pid=1 addr=0x10000000 len=1MiB")
ok_touch = touch(1, 1000, 1, 1, 0x10000000 * 2, 4096)
cases = {
    # cut inside the third record
    "bin_truncated": header() + spawn + mmap + ok_touch[:5],
    "bin_version": header(version=2) + end(0),
    "bin_unknown_record": header() + spawn + b"\x07" + end(1),
    "bin_pid_zero": header() + spawn + mmap + touch(1, 0, 1, 0, 0x10000000 * 2, 4096) + end(3),
    "bin_len_zero": header() + spawn + mmap + touch(1, 0, 1, 1, 0x10000000 * 2, 0) + end(3),
    "bin_count": header() + spawn + mmap + end(5),
    "bin_trailing": header() + spawn + end(1) + b"x",
    "bin_bad_line": header() + spawn + line(1, b"@0 spwan pid=2") + end(2),
    "bin_line_zero": header() + spawn + touch(0, 0, 1, 1, 0, 4096) + end(2),
    "bin_options": header() + spawn + mmap + touch(1, 0, 0x40, 1, 0x10000000 * 2, 4096) + end(3),
    "bin_name": header(name=b"two words") + end(0),
    "bin_varint": header() + spawn + b"\x01" + b"\xff" * 11 + end(2),
}
here = os.path.dirname(os.path.abspath(__file__))
for name, data in cases.items():
    with open(os.path.join(here, name + ".ntrace"), "wb") as f:
        f.write(data)
