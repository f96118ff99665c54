run -o ""
