topo validate -t tests/bad/topo_name_type.json
