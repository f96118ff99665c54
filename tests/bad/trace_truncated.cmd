trace validate -w tests/bad/trace_truncated.trace
