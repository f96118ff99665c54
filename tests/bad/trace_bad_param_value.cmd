trace validate -w tests/bad/run_bad_param_value.trace --vary MODE=interleave,bogus
