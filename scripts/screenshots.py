"""Screenshots of the main pages in bokmål, nynorsk and English, for anyone to look at.

    .venv/bin/python scripts/screenshots.py [--out out/screenshots] [--width 1280]

Starts `trygd serve --demo` on a fresh SQLite database in a temporary folder, signs in as
the demo users through the sign-in page, and saves one full-page PNG per page and language
as `<out>/<lang>/<nn>-<page>.png`, using Debian's Chromium through Playwright (as the
browser tests do; set TRYGD_CHROMIUM for another Chromium). Pages reached through a link
(a case, a letter, a klage) are found by following the first matching link, as a person
would click. Also writes `<out>/index.html`, which shows them all side by side.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from trygd.demo import oidc as local_provider
from trygd.demo.seed import PERSONS
from trygd.domain.identity import synthetic_identity_number

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("nb", "nn", "en")

TILBAKEKREVING_CASEWORKER = "Ingrid Saksbehandler"  # the uføretrygd unit (4405)
CASE_LINK = r"/staff/behandlinger/[0-9a-f-]{36}"
# (file name, demo user's label on the sign-in page or "" for signed out, path or
#  (page to start from, patterns of the links to follow from it, one after another)); a start
#  "search:NAME" is the caseworker's person search for that demo person.
PAGES: tuple[tuple[str, str, str | tuple[str, ...]], ...] = (
    ("front", "", "/"),
    ("sign-in", "", "/login"),
    ("guide", "", "/guide"),
    ("citizen-home", "Anna Dahl", "/my"),
    ("citizen-cases", "Anna Dahl", "/my/cases"),
    ("citizen-case", "Anna Dahl", ("/my/cases", r"/my/cases/[0-9a-f-]{36}")),
    ("citizen-apply", "Knut Aas", "/apply"),
    ("citizen-data", "Gro Nilsen", "/my/data"),
    ("citizen-privacy-requests", "David Hansen", "/my/privacy-requests"),
    ("citizen-privacy-objection", "David Hansen", "/my/privacy-requests/new?kind=objection"),
    ("citizen-privacy-erasure", "David Hansen", "/my/privacy-requests/new?kind=erasure"),
    ("privacy", "", "/privacy"),
    (
        "citizen-vedtak",
        "Gro Nilsen",
        ("/my/cases", r"/my/cases/[0-9a-f-]{36}", r"/my/vedtak/[0-9a-f-]{36}"),
    ),
    ("citizen-klage", "Camilla Berg", ("/my/cases", r"/my/cases/[0-9a-f-]{36}")),
    ("citizen-meldekort-list", "Nora Berge", "/my/meldekort"),
    ("citizen-account", "Nora Berge", "/my/account"),
    (
        "citizen-meldekort-form",
        "Nora Berge",
        ("/my/meldekort", r"/my/meldekort/[0-9a-f-]{36}/[0-9-]{10}"),
    ),
    ("citizen-payments", "Oda Fjeld", "/my/payments"),
    ("citizen-payment", "Oda Fjeld", ("/my/payments", r"/my/payments/[0-9a-f-]{36}")),
    ("citizen-letter-payment", "Oda Fjeld", ("/my", r"/my/letters/[0-9a-f-]{36}")),
    # Siri's latest payments were partly set off against her tilbakekreving claim.
    ("citizen-payments-setoff", "Siri Dale", "/my/payments"),
    (
        "citizen-payment-setoff",
        "Siri Dale",
        (
            "/my/cases",
            r"/my/cases/[0-9a-f-]{36}",
            r"/my/tilbakekreving/[0-9a-f-]{36}",
            r"/my/payments/[0-9a-f-]{36}",
        ),
    ),
    # Ulf's uføretrygd was granted under the G before and regulated by the seed.
    ("citizen-case-regulated", "Ulf Holt", ("/my/cases", r"/my/cases/[0-9a-f-]{36}")),
    (
        "citizen-tilbakekreving-varsel",
        "Pål Rud",
        ("/my/cases", r"/my/cases/[0-9a-f-]{36}", r"/my/tilbakekreving/[0-9a-f-]{36}"),
    ),
    (
        "citizen-tilbakekreving-vedtak",
        "Siri Dale",
        ("/my/cases", r"/my/cases/[0-9a-f-]{36}", r"/my/tilbakekreving/[0-9a-f-]{36}"),
    ),
    (
        "citizen-tilbakekreving-klage",
        "Siri Dale",
        (
            "/my/cases",
            r"/my/cases/[0-9a-f-]{36}",
            r"/my/tilbakekreving/[0-9a-f-]{36}",
            r"/my/tilbakekreving/[0-9a-f-]{36}/klage",
        ),
    ),
    ("citizen-meldekort-aap", "Rune Myhre", "/my/meldekort"),
    ("caseworker-tasks", "Kari Saksbehandler", "/staff/tasks"),
    (
        "caseworker-case",
        "Kari Saksbehandler",
        ("/staff/tasks", r"/staff/behandlinger/[0-9a-f-]{36}"),
    ),
    ("caseworker-search", "Kari Saksbehandler", "/staff/search"),
    ("caseworker-privacy-requests", "Kari Saksbehandler", "/staff/privacy-requests"),
    (
        "caseworker-privacy-request",
        "Kari Saksbehandler",
        ("/staff/privacy-requests", r"/staff/privacy-requests/[0-9a-f-]{36}"),
    ),
    ("caseworker-payment-problems", "Ingrid Saksbehandler", "/staff/payment-problems"),
    (
        "caseworker-person-payments",
        "Ingrid Saksbehandler",
        ("/staff/payment-problems", r"/staff/persons/[0-9a-f-]{36}/payments"),
    ),
    (
        "caseworker-payment",
        "Ingrid Saksbehandler",
        ("/staff/payment-problems", r"/staff/payments/[0-9a-f-]{36}"),
    ),
    (
        "caseworker-tilbakekreving",
        TILBAKEKREVING_CASEWORKER,
        ("/staff/tasks", r"/staff/tilbakekreving/[0-9a-f-]{36}"),
    ),
    (
        "caseworker-person-payments-setoff",
        TILBAKEKREVING_CASEWORKER,
        ("search:Siri Dale", r"/staff/persons/[0-9a-f-]{36}/payments"),
    ),
    (
        "caseworker-tilbakekreving-setoff",
        TILBAKEKREVING_CASEWORKER,
        ("search:Siri Dale", r"/staff/saker/[0-9a-f-]{36}", r"/staff/tilbakekreving/[0-9a-f-]{36}"),
    ),
    (
        "caseworker-payment-setoff",
        TILBAKEKREVING_CASEWORKER,
        (
            "search:Siri Dale",
            r"/staff/saker/[0-9a-f-]{36}",
            r"/staff/tilbakekreving/[0-9a-f-]{36}",
            r"/staff/payments/[0-9a-f-]{36}",
        ),
    ),
    ("approver-tasks", "Ola Beslutter", "/staff/tasks"),
    ("klageinstans", "Lise Klageinstans", "/klageinstans"),
    ("klageinstans-klage", "Lise Klageinstans", ("/klageinstans", CASE_LINK)),
    ("auditor", "Arne Revisor", "/staff/audit"),
    ("auditor-trail", "Arne Revisor", "/staff/audit?purpose=Stikkpr%C3%B8vekontroll"),
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _chromium() -> str:
    found = os.environ.get("TRYGD_CHROMIUM") or shutil.which("chromium")
    if not found:
        sys.exit("Chromium is not installed: apt-get install chromium")
    return found


def _start_server(
    folder: Path, port: int, oidc_config: Path | None
) -> tuple[subprocess.Popen[bytes], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRYGD_")}
    if oidc_config is not None:  # the sign-in page then shows ID-porten's and Entra ID's buttons
        env["TRYGD_OIDC_CONFIG"] = str(oidc_config)
    trygd = Path(sys.executable).with_name("trygd")
    process = subprocess.Popen(
        [str(trygd), "serve", "--demo", "--port", str(port)],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    process.terminate()
    sys.exit("trygd serve did not start")


def _sign_in(page: Any, label: str) -> None:
    page.goto("/login")
    page.get_by_label(label, exact=True).check()
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_load_state()


def _search(page: Any, name: str) -> None:
    """Find a demo person by identity number on the staff search page (a POST: its answer is
    the page the next link is taken from)."""
    index = next(i for i, p in enumerate(PERSONS) if p.name == name)
    page.goto("/staff/search")
    number = synthetic_identity_number(PERSONS[index].birth_date, index)
    page.locator("#identity_number").fill(number)
    page.locator("#purpose").fill("Skjermbilde av demoen")
    page.locator("form[action='/staff/search'] button[type=submit]").click()
    page.wait_for_load_state()


def _target(page: Any, where: str | tuple[str, ...]) -> str | None:
    """The page to take: a path, or a start page and the links to follow from it in turn."""
    if isinstance(where, str):
        return where
    start, *patterns = where
    found: str | None = start
    searched = start.startswith("search:")
    if searched:
        _search(page, start.removeprefix("search:"))
    for pattern in patterns:
        if not searched:
            page.goto(found)
        searched = False
        found = next(
            (
                href
                for link in page.locator("a[href]").all()
                if re.fullmatch(pattern, href := link.get_attribute("href") or "")
            ),
            None,
        )
        if found is None:
            return None
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "screenshots")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument(
        "--only", nargs="*", default=None, help="Only the pages whose names contain one of these"
    )
    parser.add_argument("--languages", nargs="*", default=list(LANGUAGES))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    made: list[tuple[str, str, Path]] = []
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        port = _free_port()
        oidc_config = None
        if local_provider.available():
            oidc_config = stack.enter_context(
                local_provider.running(
                    Path(folder) / "oidc", _free_port(), f"http://127.0.0.1:{port}"
                )
            )
        process, base = _start_server(Path(folder), port, oidc_config)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=_chromium(), args=["--no-sandbox"]
                )
                for language in args.languages:
                    target_dir = args.out / language
                    target_dir.mkdir(parents=True, exist_ok=True)
                    for number, (name, user, where) in enumerate(PAGES, start=1):
                        if args.only and not any(part in name for part in args.only):
                            continue
                        context = browser.new_context(
                            base_url=base, viewport={"width": args.width, "height": 900}
                        )
                        page = context.new_page()
                        page.goto(f"/?lang={language}")  # remembered in a cookie
                        if user:
                            _sign_in(page, user)
                        path = _target(page, where)
                        if path is None:
                            print(f"skipped {name}: no link to follow", file=sys.stderr)
                            context.close()
                            continue
                        page.goto(path)
                        file = target_dir / f"{number:02d}-{name}.png"
                        page.screenshot(path=str(file), full_page=True)
                        made.append((language, name, file))
                        context.close()
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=10)
    rows = "\n".join(
        f'<figure><img src="{html.escape(str(f.relative_to(args.out)))}" width="400" '
        f'alt="{html.escape(name)} ({lang})"><figcaption>{html.escape(name)} · {lang}'
        "</figcaption></figure>"
        for lang, name, f in made
    )
    (args.out / "index.html").write_text(
        "<!doctype html><html lang='en'><meta charset='utf-8'><title>trygd screenshots</title>"
        "<style>body{display:flex;flex-wrap:wrap;gap:1rem;font-family:sans-serif}</style>"
        f"<body>{rows}</body></html>",
        encoding="utf-8",
    )
    print(f"{len(made)} screenshots in {args.out}")


if __name__ == "__main__":
    main()
