topo validate -t tests/bad/topo_zero_nodes.json
