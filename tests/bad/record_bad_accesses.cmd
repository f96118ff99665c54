record --accesses 0 -- true
