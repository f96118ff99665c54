run -w tests/bad/no_such.trace
