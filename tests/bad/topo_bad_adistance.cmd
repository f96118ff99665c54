topo validate -t tests/bad/topo_bad_adistance.json
