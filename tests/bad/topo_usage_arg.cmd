topo show -t ring4 extra
