run -t tests/bad/topo_diag.json -w tests/scenarios/first_touch.trace
