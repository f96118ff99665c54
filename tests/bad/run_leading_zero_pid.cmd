run -w tests/bad/run_leading_zero_pid.trace
