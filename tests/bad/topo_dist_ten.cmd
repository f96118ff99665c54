topo validate -t tests/bad/topo_dist_ten.json
