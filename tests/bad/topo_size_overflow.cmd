topo validate -t tests/bad/topo_size_overflow.json
