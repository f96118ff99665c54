run -t ring4 -w tests/bad/run_never_spawned.trace
