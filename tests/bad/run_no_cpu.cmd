run -t ring4 -w tests/bad/run_no_cpu.trace
