import lackey tests/import/bad_lackey_output.txt -o /tmp/numasim-bad-import.trace
