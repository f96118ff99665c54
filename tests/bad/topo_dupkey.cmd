topo validate -t tests/bad/topo_dupkey.json
