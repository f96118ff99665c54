trace validate -w tests/bad/bin_version.ntrace
