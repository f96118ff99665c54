topo validate -t tests/bad/topo_id_gap.json
