run -w tests/bad/run_undeclared_param.trace --set SIZ=1MiB
