trace validate -w tests/bad/trace_unknown_op.trace
