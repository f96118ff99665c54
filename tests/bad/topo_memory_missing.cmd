topo validate -t tests/bad/topo_memory_missing.json
