topo validate -t tests/bad/topo_diag.json
