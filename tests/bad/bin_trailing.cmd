trace validate -w tests/bad/bin_trailing.ntrace
