trace validate -w tests/bad/trace_mmap_read_write.trace
