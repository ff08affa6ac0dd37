"""Importing people from a CSV file on the program's own pages (#13)."""
