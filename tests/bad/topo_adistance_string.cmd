topo validate -t tests/bad/topo_adistance_string.json
