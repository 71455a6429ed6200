"""Browser tests: whole journeys in Debian's Chromium, driven by Playwright.

One real server (`trygd serve --demo`, as the README starts it, on a fresh SQLite database
with the demo data and its job worker) serves the whole browser session. Each test gets a
new browser context (no cookies), so it signs in as the demo user it needs.

Chromium is the distribution's (`/usr/bin/chromium`, installed by `.ci/run`; set
`TRYGD_CHROMIUM` for another). Without it the tests are skipped on a developer machine, but
fail under CI=true, so a CI run cannot pass without having run them.

`check_accessibility(page)` runs axe-core (from npm, like the other front-end packages) on the
page and fails on any serious or critical violation of WCAG 2.1 A/AA.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
TRYGD = Path(sys.executable).with_name("trygd")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = os.environ.get("TRYGD_SCREENSHOTS")


def _chromium() -> str | None:
    configured = os.environ.get("TRYGD_CHROMIUM")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `trygd serve --demo` on a free port, with a fresh SQLite database."""
    folder = tmp_path_factory.mktemp("browser-server")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRYGD_")}
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [str(TRYGD), "serve", "--demo", "--port", str(port)],
        cwd=folder,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if process.poll() is not None:
                pytest.fail(f"trygd serve stopped:\n{(folder / 'server.log').read_text()}")
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("trygd serve did not answer within 60 seconds")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = _chromium()
    if executable is None:
        _missing("Chromium is not installed (apt-get install chromium; .ci/run does it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (python3 dev.py test installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh browser tab with no cookies. CSP is bypassed only so that axe can be injected."""
    context = browser.new_context(base_url=base_url, bypass_csp=True, locale="nb-NO")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def sign_in(page: Any, name: str, next_url: str = "/") -> None:
    """Sign in on the demo sign-in page as the demo user whose label is `name`."""
    page.goto("/login?" + urlencode({"next": next_url}))
    page.get_by_label(name, exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


def check_accessibility(page: Any) -> None:
    """axe-core on the current page: no serious or critical WCAG 2.1 A/AA violation."""
    if not AXE.is_file():
        _missing(f"axe-core is not installed at {AXE} (python3 dev.py test runs npm ci)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"axe found problems on {page.url}:\n" + "\n".join(bad)
