trace validate -w tests/bad/trace_bad_nodes.trace
