trace validate -w tests/bad/thp_bad_enabled.trace
