run -w first_touch --set mm.transparent_hugepage.defrag=sometimes
