topo frobnicate
