topo validate -t tests/bad/topo_id_missing.json
