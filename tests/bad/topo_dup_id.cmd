topo validate -t tests/bad/topo_dup_id.json
