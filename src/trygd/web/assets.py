"""Where the front-end packages from npm are found, and which of their files the pages serve.

`dev.py` installs the packages in `package.json` (Aksel's CSS, tokens and icons, htmx, Swagger
UI for the API documentation at /docs, and axe-core for the accessibility tests) into
`node_modules/` at the root of the checkout with `npm ci`. Nothing from them is copied into
the repository: the server serves the files from `node_modules/` (or from `TRYGD_ASSETS_DIR`,
a folder holding such a `node_modules/`, for an installed package). Only the files named in
`VENDOR_FILES`, and the font files, are served.

Aksel's CSS loads its font, Source Sans 3, from NAV's CDN, which the pages' Content Security
Policy (fonts only from this site) blocks. The same font's files come from npm
(`@fontsource-variable/source-sans-3`, the same Google Fonts subsets with the same character
ranges), and `aksel_css` serves Aksel's CSS with each CDN address replaced by the local file.
"""

from __future__ import annotations

import os
import re
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
FONTS = "@fontsource-variable/source-sans-3/files"
# Aksel's CDN font file → the npm package's file of the same subset and style.
CDN_FONT = re.compile(
    r"https://cdn\.nav\.no/aksel/fonts/SourceSans3-(normal|italic)(?:-(latin_ext|cyrillic_ext|cyrillic))?\.woff2"
)
LOCAL_FONT = re.compile(
    r"source-sans-3-(latin|latin-ext|cyrillic|cyrillic-ext)-wght-(normal|italic)\.woff2"
)


def _local_font(match: re.Match[str]) -> str:
    style, subset = match[1], (match[2] or "latin").replace("_", "-")
    return f"/static/vendor/source-sans-3-{subset}-wght-{style}.woff2"


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
    if root is None:
        return None
    if LOCAL_FONT.fullmatch(name):
        path = root / FONTS / name
    elif name in VENDOR_FILES:
        path = root / VENDOR_FILES[name]
    else:
        return None
    return path if path.is_file() else None


@cache
def aksel_css() -> str | None:
    """Aksel's CSS with its fonts served from this site (see the module docstring)."""
    path = vendor_file("aksel.css")
    if path is None:
        return None
    return CDN_FONT.sub(_local_font, path.read_text(encoding="utf-8"))


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
