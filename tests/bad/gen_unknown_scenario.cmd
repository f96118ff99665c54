gen nosuch
