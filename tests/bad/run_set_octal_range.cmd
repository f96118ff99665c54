run --set vm.swappiness=0300
