run --set mm.mempolicy.weighted_interleave.node01=2
