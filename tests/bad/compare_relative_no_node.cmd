compare -w tests/bad/compare_param.trace -t ring4,2socket --vary SIZE=10%node1,10%node3
