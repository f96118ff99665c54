trace validate -w tests/bad/trace_no_magic.trace
