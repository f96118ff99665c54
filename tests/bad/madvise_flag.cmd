trace validate -w tests/bad/madvise_flag.trace
