import strace tests/import/bad_strace_truncated.txt -o /tmp/numasim-bad-import.trace
