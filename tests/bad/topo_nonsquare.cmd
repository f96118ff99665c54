topo validate -t tests/bad/topo_nonsquare.json
