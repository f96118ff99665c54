trace validate -w tests/bad/trace_control_char.trace
