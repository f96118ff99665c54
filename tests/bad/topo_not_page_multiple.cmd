topo validate -t tests/bad/topo_not_page_multiple.json
