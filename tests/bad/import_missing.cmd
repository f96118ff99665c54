import strace tests/import/no_such_capture.txt
