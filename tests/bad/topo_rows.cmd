topo validate -t tests/bad/topo_rows.json
