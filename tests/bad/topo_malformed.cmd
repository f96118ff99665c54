topo validate -t tests/bad/topo_malformed.json
