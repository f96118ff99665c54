import perf tests/import/bad_perf_sideband_cpu.txt -o /tmp/numasim-bad-import.trace
