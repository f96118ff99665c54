trace validate -w tests/bad/madvise_twice.trace
