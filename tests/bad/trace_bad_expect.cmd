trace validate -w tests/bad/trace_bad_expect.trace
