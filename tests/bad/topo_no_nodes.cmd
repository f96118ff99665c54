topo validate -t tests/bad/topo_no_nodes.json
