topo validate -t tests/bad/topo_device_bw_tiny.json
