topo validate -t tests/bad/topo_no_name.json
