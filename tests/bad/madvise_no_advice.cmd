trace validate -w tests/bad/madvise_no_advice.trace
