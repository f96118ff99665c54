topo validate -t tests/bad/no_such_topology.json
