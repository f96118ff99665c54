trace validate -w tests/bad/madvise_empty_advice.trace
