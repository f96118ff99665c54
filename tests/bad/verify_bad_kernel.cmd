verify -t ring4 -w tests/kernel/ft_local.trace --kernel 5.10
