trace validate -w tests/bad/bin_varint.ntrace
