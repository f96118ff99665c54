topo validate -t tests/bad/topo_not_object.json
