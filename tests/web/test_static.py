"""The site's own files: Aksel's font served from this site (the CSP allows fonts only from
here), and the favicon."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from trygd.api.identity import DemoTokens
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine, migrate
from trygd.web import assets
from trygd.web.app import PAGE_HEADERS, create_site


@pytest.fixture
def client(tmp_path):
    if assets.node_modules() is None:
        pytest.skip("the npm packages are not installed (python3 dev.py installs them)")
    engine = make_engine(f"sqlite:///{tmp_path / 'trygd.sqlite3'}")
    migrate(engine)
    service = CaseService(engine, Settings(demo=True))
    site = create_site(service, DemoTokens("test-secret-" + "x" * 32), demo=True)
    return TestClient(site, follow_redirects=False)


def test_aksels_font_comes_from_this_site(client):
    css = client.get("/static/vendor/aksel.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    fonts = re.findall(r'url\("?([^)"]+\.woff2)"?\)', css.text)
    assert len(fonts) >= 8, fonts  # normal and italic, four subsets each
    assert not [url for url in fonts if not url.startswith("/static/vendor/")]
    csp = dict(PAGE_HEADERS)[b"content-security-policy"].decode()
    assert "default-src 'self'" in csp and "font-src" not in csp  # fonts: this site only
    for url in set(fonts):
        font = client.get(url)
        assert font.status_code == 200, url
        assert font.content[:4] == b"wOF2", url  # a real WOFF2 file
    assert client.get("/static/vendor/..%2Fpackage.json").status_code == 404
    assert client.get("/static/vendor/source-sans-3-klingon-wght-normal.woff2").status_code == 404


def test_there_is_a_favicon(client):
    page = client.get("/login")
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page.text
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert client.get("/favicon.ico").headers["location"] == "/static/favicon.svg"
