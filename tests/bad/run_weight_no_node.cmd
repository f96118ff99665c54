run --set mm.mempolicy.weighted_interleave.node9=2
