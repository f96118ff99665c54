topo validate -t tests/bad/topo_no_distances.json
