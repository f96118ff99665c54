run -w tests/bad/run_bad_default.trace
