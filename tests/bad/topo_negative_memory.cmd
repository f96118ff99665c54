topo validate -t tests/bad/topo_negative_memory.json
