run -w tests/bad/run_nul_byte.trace
