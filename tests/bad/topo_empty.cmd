topo validate -t tests/bad/topo_empty.json
