run --timeseries 5parsecs
