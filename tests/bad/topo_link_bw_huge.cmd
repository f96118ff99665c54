topo validate -t tests/bad/topo_link_bw_huge.json
