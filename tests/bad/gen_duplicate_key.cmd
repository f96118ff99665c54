gen compile seed=1 seed=2
