trace validate -w tests/bad/bin_line_zero.ntrace
