"""trygd: case processing for national-insurance benefits, with the law as code."""

__version__ = "0.1.0"
