"""Population runs: synthetic persons as columns, evaluated by the same rules as one case."""
