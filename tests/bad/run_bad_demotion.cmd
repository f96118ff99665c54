run --set mm.numa.demotion_enabled=2
