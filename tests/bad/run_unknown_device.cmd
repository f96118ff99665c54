run -t ring4 -w tests/bad/run_unknown_device.trace
