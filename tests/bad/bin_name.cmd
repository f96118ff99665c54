trace validate -w tests/bad/bin_name.ntrace
