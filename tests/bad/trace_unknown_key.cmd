trace validate -w tests/bad/trace_unknown_key.trace
