"""Applications as they arrive from outside: the JSON input format, its validation and schemas."""
