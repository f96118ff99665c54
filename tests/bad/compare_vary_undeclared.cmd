compare -w tests/bad/compare_param.trace --vary SIZE=1MiB --vary MODE=bind
