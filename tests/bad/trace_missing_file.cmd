trace validate -w tests/bad/no_such_file.trace
