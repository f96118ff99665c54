run -w tests/bad/run_bad_utf8.trace
