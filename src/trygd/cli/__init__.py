"""The `trygd` command line."""
