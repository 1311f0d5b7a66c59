"""Importing a publisher's spreadsheets (CSV, Italian column names) into Turtle in the vocabulary."""
