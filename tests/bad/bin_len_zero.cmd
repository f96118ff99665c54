trace validate -w tests/bad/bin_len_zero.ntrace
