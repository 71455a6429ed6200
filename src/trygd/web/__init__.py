"""Server-rendered web pages for citizens and staff, on the same services as the JSON API.

The pages are Jinja2 templates styled with NAV's Aksel design system (installed from npm by
`dev.py`), with htmx for small conveniences; every journey works without JavaScript. They run
in the same FastAPI application as `/api/v1` (see `app.py`).
"""
