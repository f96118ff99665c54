topo validate -t tests/bad/topo_no_cpu_at_all.json
