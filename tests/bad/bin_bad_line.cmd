trace validate -w tests/bad/bin_bad_line.ntrace
