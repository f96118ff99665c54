trace validate -w tests/bad/trace_overflow.trace
