topo validate -t tests/bad/topo_cpu_too_big.json
