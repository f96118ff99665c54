run -w /dev/zero
