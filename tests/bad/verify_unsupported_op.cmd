verify -t ring4 -w @DIR@/verify_kmalloc.trace
