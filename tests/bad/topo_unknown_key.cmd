topo validate -t tests/bad/topo_unknown_key.json
