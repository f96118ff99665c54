topo validate -t tests/bad/topo_zones_sum.json
