topo validate -t tests/bad/topo_link_cacheline.json
