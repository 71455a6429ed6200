"""The law as code: conditions and calculations of folketrygdloven, with dated parameters.

This package is pure: it reads its own parameter and text files but imports nothing from the
web, the database or the command line (an import-linter contract in pyproject.toml checks
it). Start with `assessment.assess` for one application and `evaluation.evaluate_many` for a
population; each benefit chapter is a module in `benefits/`.
"""
