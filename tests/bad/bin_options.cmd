trace validate -w tests/bad/bin_options.ntrace
