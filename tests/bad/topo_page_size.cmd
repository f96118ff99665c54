topo validate -t tests/bad/topo_page_size.json
