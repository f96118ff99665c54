topo validate -t tests/bad/topo_device_dupname.json
