run -w tests/bad
