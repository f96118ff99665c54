trace validate -w tests/bad/trace_duplicate_key.trace
