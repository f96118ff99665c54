trace validate -w tests/bad/madvise_bad_advice.trace
