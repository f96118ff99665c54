trace validate -w tests/bad/trace_time_back.trace
