run -w tests/bad/run_param_after_record.trace
