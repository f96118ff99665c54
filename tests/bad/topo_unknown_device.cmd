topo validate -t tests/bad/topo_unknown_device.json
