run -t ring4 -w tests/bad/run_pid_twice.trace
