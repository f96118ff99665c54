compare -w zone-reclaim --vary vm.zone_reclaim_mode=0,1 --shard 4/3
