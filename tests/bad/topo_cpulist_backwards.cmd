topo validate -t tests/bad/topo_cpulist_backwards.json
