"""Demo mode: invented users, persons and cases, so trygd can be tried without real data."""
