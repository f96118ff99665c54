compare -w zone-reclaim --vary vm.zone_reclaim_mode=,
