topo show -t nosuchmachine
