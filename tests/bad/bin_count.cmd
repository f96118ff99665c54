trace validate -w tests/bad/bin_count.ntrace
