run --set sim.kernel_version=6.13
