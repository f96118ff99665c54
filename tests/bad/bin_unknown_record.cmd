trace validate -w tests/bad/bin_unknown_record.ntrace
