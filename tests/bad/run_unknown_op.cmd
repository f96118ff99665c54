run -t ring4 -w tests/bad/trace_unknown_op.trace
