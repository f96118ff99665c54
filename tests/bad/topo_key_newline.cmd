topo validate -t tests/bad/topo_key_newline.json
