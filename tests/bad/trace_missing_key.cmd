trace validate -w tests/bad/trace_missing_key.trace
