topo validate -t tests/bad/topo_latency.json
