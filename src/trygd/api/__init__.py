"""The JSON API under /api/v1 (FastAPI), with OpenAPI at /docs."""
