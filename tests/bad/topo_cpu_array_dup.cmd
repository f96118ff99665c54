topo validate -t tests/bad/topo_cpu_array_dup.json
