gen dilemma nodes=0
