compare -t ring4,,toy4 -w zone-reclaim
