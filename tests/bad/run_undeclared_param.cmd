run -w tests/bad/run_undeclared_param.trace
