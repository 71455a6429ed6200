"""Letters: their content in three languages, rendered as accessible PDF and HTML."""
