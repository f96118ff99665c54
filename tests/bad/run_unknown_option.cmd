run --frobnicate
