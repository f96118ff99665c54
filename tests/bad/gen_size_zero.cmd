gen compile size=0
