compare -w zone-reclaim --vary =1,2
