run --timeseries 1ns
