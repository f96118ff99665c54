topo validate -t tests/bad/topo_unknown_node_key.json
