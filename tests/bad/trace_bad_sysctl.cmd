trace validate -w tests/bad/trace_bad_sysctl.trace
