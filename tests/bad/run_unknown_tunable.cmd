run --set vm.zone_reclaim_mod=1
