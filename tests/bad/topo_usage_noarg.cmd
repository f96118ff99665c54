topo validate -t
