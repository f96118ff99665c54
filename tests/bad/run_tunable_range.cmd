run --set vm.zone_reclaim_mode=9
