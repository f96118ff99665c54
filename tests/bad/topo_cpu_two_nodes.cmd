topo validate -t tests/bad/topo_cpu_two_nodes.json
