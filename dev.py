#!/usr/bin/env python3
"""Set up trygd in a local virtual environment and run its two everyday jobs.

Only a Python 3.11+ interpreter is needed on a fresh machine: the first run
creates `.venv/`, installs the project with its development tools, and later
runs reinstall only when `pyproject.toml` changes.

    python3 dev.py start   # serve the API with demo data on http://127.0.0.1:8000, and
                           # the local OpenID provider (sign-in) on http://127.0.0.1:8001
    python3 dev.py test    # lint, type-check, import contracts and the whole test suite
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".trygd-installed"
NODE_MODULES = ROOT / "node_modules"
NODE_STAMP = NODE_MODULES / ".trygd-installed"


def _run(*cmd: str | Path) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT)
    if result.returncode != 0:
        sys.exit(result.returncode)


def ensure_environment() -> None:
    """Create the virtual environment and install the project when needed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older Python
        sys.exit("trygd needs Python 3.11 or newer")
    ensure_front_end_packages()
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("Creating virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(wanted)


def ensure_front_end_packages() -> None:
    """Install the pages' front-end packages (Aksel CSS and icons, htmx, Swagger UI, axe-core)
    from npm, exactly as package-lock.json pins them, when the lock file changed."""
    wanted = hashlib.sha256((ROOT / "package-lock.json").read_bytes()).hexdigest()
    if NODE_STAMP.exists() and NODE_STAMP.read_text() == wanted:
        return
    npm = shutil.which("npm")
    if npm is None:
        print(
            "warning: npm is not installed, so the pages will be unstyled and the browser "
            "tests cannot check accessibility; install Node.js and npm",
            file=sys.stderr,
        )
        return
    _run(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
    NODE_STAMP.write_text(wanted)


def _option(args: list[str], name: str, default: str) -> str:
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return default


def start(args: list[str]) -> None:
    """trygd with demo data, and the local OpenID provider its sign-in goes through
    (`trygd.demo.oidc`: ID-porten and Entra ID stand-ins whose users are the demo persons and
    employees) on the next port up (TRYGD_OIDC_PORT to choose another)."""
    port = int(_option(args, "--port", "8000"))
    provider_port = int(os.environ.get("TRYGD_OIDC_PORT", port + 1))
    folder = ROOT / ".dev" / "oidc"
    provider = None
    env = dict(os.environ)
    if shutil.which("node") and (NODE_MODULES / "oidc-provider").is_dir():
        trygd_url = f"http://127.0.0.1:{port}"
        command = [BIN / "python", "-m", "trygd.demo.oidc", "--port", str(provider_port)]
        command += ["--trygd-url", trygd_url, "--folder", folder]
        provider = subprocess.Popen(command, cwd=ROOT)
        discovery = f"http://127.0.0.1:{provider_port}/idporten/.well-known/openid-configuration"
        for _ in range(100):
            if provider.poll() is not None:
                sys.exit("the local OpenID provider did not start (is the port taken?)")
            try:
                with urllib.request.urlopen(discovery, timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        env["TRYGD_OIDC_CONFIG"] = str(folder / "trygd.json")
        print(f"Sign in at http://127.0.0.1:{port}/login (through the local OpenID provider)")
    else:
        print("warning: Node.js or npm's oidc-provider is missing: demo sign-in only", flush=True)
    try:
        serve = [str(BIN / "trygd"), "serve", "--demo", *args]
        print("+", " ".join(serve), flush=True)
        result = subprocess.run(serve, cwd=ROOT, env=env)
    except KeyboardInterrupt:
        result = subprocess.CompletedProcess([], 0)
    finally:
        if provider is not None:
            provider.terminate()
            provider.wait(timeout=10)
    sys.exit(result.returncode)


def test(args: list[str]) -> None:
    _run(BIN / "ruff", "check", "src", "tests", "benchmarks", "scripts", "dev.py")
    _run(BIN / "ruff", "format", "--check", "src", "tests", "benchmarks", "scripts", "dev.py")
    _run(BIN / "mypy")
    _run(BIN / "lint-imports")
    processes = min(TEST_PROCESSES, os.cpu_count() or 1)
    if args or processes < 2:
        _run(BIN / "python", "-m", "pytest", *args)
        return
    ignored = [f"--ignore={path}" for path in SERIAL_TESTS]
    _run(BIN / "python", "-m", "pytest", "-n", str(processes), "--dist", "loadfile", *ignored)
    _run(BIN / "python", "-m", "pytest", *SERIAL_TESTS)


TEST_PROCESSES = 4
"""The whole suite (`python3 dev.py test` without arguments) runs in one pytest process per
core, up to this many (pytest-xdist), each test file in one process (`--dist loadfile`: a
module's expensive fixtures, such as the crawl of every page, are made once). The suite is
mostly Python on one core per process, so a machine's cores shorten it; more than a few
would crowd the one PostgreSQL server and the browser tests. Arguments given are passed on
to one pytest process as they are."""

SERIAL_TESTS = ("tests/api/test_schemathesis.py",)
"""Test files run after the others, in one process: their items share one node id
(schemathesis names its test of every API operation alike), and pytest-xdist, which hands
tests out by node id, ran one of the 80 and reported nothing of the rest.
`tests/test_node_ids.py` keeps any other file from doing so unnoticed."""


def main() -> None:
    jobs = {"start": start, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in jobs:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(jobs)}}} [arguments]")
    ensure_environment()
    jobs[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
