print("cleanheat")
