trace validate -w tests/bad/bin_truncated.ntrace
