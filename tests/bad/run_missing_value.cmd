run -t
