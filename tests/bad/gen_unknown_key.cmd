gen compile lenght=5
