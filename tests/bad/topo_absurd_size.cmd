topo validate -t tests/bad/topo_absurd_size.json
