verify -t 2socket -w tests/kernel/ft_local.trace
