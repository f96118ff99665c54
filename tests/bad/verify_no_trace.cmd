verify -t ring4
