run --set mm.mempolicy.weighted_interleave.node1=0
