run -w tests/bad/run_time_past_end.trace
