trace validate -w tests/bad/trace_unknown_flag.trace
