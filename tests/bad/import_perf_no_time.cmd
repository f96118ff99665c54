import perf tests/import/bad_perf_no_time.txt -o /tmp/numasim-bad-import.trace
