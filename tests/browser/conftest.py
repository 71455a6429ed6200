"""Browser tests: whole journeys in Debian's Chromium, driven by Playwright.

One real server (`trygd serve --demo`, as `python3 dev.py start` starts it, on a fresh SQLite
database with the demo data and its job worker) serves the whole browser session, with the
local OpenID provider (`trygd.demo.oidc`: npm's oidc-provider with the demo users) on another
free loopback port. Each test gets a new browser context (no cookies), and signs in through
the provider as the demo person or employee it needs, as a newcomer would.

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
from urllib.parse import urlencode, urlsplit

import httpx
import pytest

from trygd.demo import oidc as local_provider
from trygd.demo import users as demo_users

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
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """The local OpenID provider on a free port, for trygd on another: (trygd's port, the
    path of trygd's side of the configuration)."""
    if not local_provider.available():
        _missing("Node.js or npm's oidc-provider is missing (python3 dev.py test runs npm ci)")
    folder = tmp_path_factory.mktemp("browser-oidc")
    port = _free_port()
    with local_provider.running(folder, _free_port(), f"http://127.0.0.1:{port}") as config:
        yield port, config


@pytest.fixture(scope="session")
def base_url(server: tuple[str, Path]) -> str:
    return server[0]


@pytest.fixture(scope="session")
def server(
    tmp_path_factory: pytest.TempPathFactory, provider: tuple[int, Path]
) -> Iterator[tuple[str, Path]]:
    """A real `trygd serve --demo` on a free port, with a fresh SQLite database, signing in
    through the local OpenID provider: its address, and the folder it runs in (where its
    database is, for the `trygd` commands an operator runs beside it)."""
    folder = tmp_path_factory.mktemp("browser-server")
    port, config = provider
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRYGD_")}
    env["TRYGD_OIDC_CONFIG"] = str(config)
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
        yield url, folder
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


EMPLOYEES = frozenset(employee.name for employee in demo_users.EMPLOYEES)
LEVELS = {
    "idporten-loa-high": "Høyt (idporten-loa-high)",
    "idporten-loa-substantial": "Betydelig (idporten-loa-substantial)",
}


def sign_in(page: Any, name: str, next_url: str = "/", level: str = "idporten-loa-high") -> None:
    """Sign in through the local OpenID provider as the demo person or employee `name`: at
    ID-porten (at `level`) for a person, at Entra ID for an employee. The browser's cookies
    go first, the provider's included, so the provider asks who signs in."""
    page.context.clear_cookies()
    provider = "entra" if name in EMPLOYEES else "idporten"
    page.goto(f"/login/{provider}?" + urlencode({"next": next_url}))
    page.get_by_label(name, exact=True).check()
    if provider == "idporten":
        page.get_by_label(LEVELS[level], exact=True).check()
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(lambda url: urlsplit(url).path.split("/")[1] not in ("idporten", "entra"))
    page.wait_for_load_state()


def operator(server: tuple[str, Path], *args: str) -> subprocess.CompletedProcess[str]:
    """Run `trygd ARGS` as an operator would, beside the server and on its database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRYGD_")}
    return subprocess.run(
        [str(TRYGD), *args], cwd=server[1], env=env, capture_output=True, text=True, timeout=300
    )


def sign_out(page: Any) -> None:
    """Sign out here and at the provider, and wait until the browser is back on the front
    page (the provider's sign-out redirects back: a navigation started before it ends would
    be cut short)."""
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
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
