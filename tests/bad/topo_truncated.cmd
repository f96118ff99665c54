topo validate -t tests/bad/topo_truncated.json
