topo validate -t tests/bad/topo_zone_not_page.json
