trace validate -w tests/bad/bin_pid_zero.ntrace
