"""Where the front-end packages from npm are found, and which of their files the pages serve.

`dev.py` installs the packages in `package.json` (Aksel's CSS, tokens and icons, htmx, Swagger
UI for the API documentation at /docs, and axe-core for the accessibility tests) into
`node_modules/` at the root of the checkout with `npm ci`. Nothing from them is copied into
the repository: the server serves the files from `node_modules/` (or from `TRYGD_ASSETS_DIR`,
a folder holding such a `node_modules/`, for an installed package). Only the files named in
`VENDOR_FILES` are served.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

# URL name under /static/vendor/ → path inside node_modules.
VENDOR_FILES: dict[str, str] = {
    "aksel.css": "@navikt/ds-css/dist/index.min.css",
    "htmx.js": "htmx.org/dist/htmx.min.js",
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
    "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
}
ICONS = "@navikt/aksel-icons/dist/svg"


@cache
def node_modules() -> Path | None:
    """The node_modules folder with the front-end packages, or None if it is not installed."""
    candidates: list[Path] = []
    configured = os.environ.get("TRYGD_ASSETS_DIR")
    if configured:
        candidates.append(Path(configured) / "node_modules")
    here = Path(__file__).resolve()
    candidates.extend(parent / "node_modules" for parent in here.parents)
    candidates.append(Path.cwd() / "node_modules")
    for candidate in candidates:
        if (candidate / VENDOR_FILES["aksel.css"]).is_file():
            return candidate
    return None


def vendor_file(name: str) -> Path | None:
    root = node_modules()
    if root is None or name not in VENDOR_FILES:
        return None
    path = root / VENDOR_FILES[name]
    return path if path.is_file() else None


@cache
def icon(name: str) -> str:
    """An Aksel icon's SVG markup (decorative: hidden from screen readers), or "" if absent."""
    root = node_modules()
    if root is None or not name.isalnum():
        return ""
    path = root / ICONS / f"{name}.svg"
    if not path.is_file():
        return ""
    svg = path.read_text(encoding="utf-8")
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


STATIC = Path(__file__).resolve().parent / "static"
