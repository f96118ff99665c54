trace convert -w tests/bad/bin_truncated.ntrace -o /tmp/numasim-bad-convert.trace
