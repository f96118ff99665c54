import perf tests/import/bad_perf_addr.txt -o /tmp/numasim-bad-import.trace
