trace validate -w tests/bad/madvise_bad_len.trace
