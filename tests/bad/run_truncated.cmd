run -t ring4 -w tests/bad/trace_truncated.trace
