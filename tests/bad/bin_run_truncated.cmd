run -w tests/bad/bin_truncated.ntrace
