"""`trygd serve --demo` as the README starts it: a real server process with demo data."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from trygd.demo.seed import PERSONS

TRYGD = Path(sys.executable).with_name("trygd")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRYGD_")}
    process = subprocess.Popen(
        [str(TRYGD), "serve", "--demo", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(300):
            if process.poll() is not None:
                pytest.fail(f"trygd serve stopped:\n{process.stdout.read()}")
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("trygd serve did not answer within 30 seconds")
        yield base, tmp_path
    finally:
        process.terminate()
        process.wait(timeout=10)
    said = process.stdout.read()
    assert f"Demo data loaded: {len(PERSONS)} persons" in said, said


def test_serve_demo_migrates_loads_demo_data_and_answers(server):
    base, folder = server
    assert (folder / "trygd.sqlite3").exists()
    users = httpx.get(f"{base}/demo/users").json()
    assert len(users["citizens"]) == len(PERSONS)
    token = httpx.post(f"{base}/demo/tokens", json={"user": "Z990101"}).json()["token"]
    queue = httpx.get(f"{base}/tasks", headers={"Authorization": f"Bearer {token}"}).json()
    assert queue["total"] >= 2 and set(queue["counts"]) <= {"assess", "approve"}
    anna = next(c for c in users["citizens"] if c["name"] == "Anna Dahl")
    token = httpx.post(f"{base}/demo/tokens", json={"user": anna["user"]}).json()["token"]
    cases = httpx.get(f"{base}/cases", headers={"Authorization": f"Bearer {token}"}).json()
    states = {c["latest_behandling"]["kind"] for c in cases["items"]}
    assert states == {"revurdering"}
    assert httpx.get(base.replace("/api/v1", "/docs")).status_code == 200


def test_serve_refuses_to_start_without_a_secret_outside_demo(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRYGD_")}
    result = subprocess.run(
        [str(TRYGD), "serve", "--port", str(_free_port())],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "TRYGD_TOKEN_SECRET" in result.stdout + result.stderr


@pytest.mark.parametrize("demo", [False, True])
def test_serve_refuses_a_secret_shorter_than_32_bytes(tmp_path, demo):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRYGD_")}
    env["TRYGD_TOKEN_SECRET"] = "s" * 31
    result = subprocess.run(
        [str(TRYGD), "serve", "--port", str(_free_port()), *(["--demo"] if demo else [])],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "TRYGD_TOKEN_SECRET must be at least 32 bytes long (it is 31)" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "trygd.sqlite3").exists()  # refused before anything was done


@pytest.mark.parametrize("config", [None, "missing.json", "broken.json"])
def test_serve_outside_demo_needs_the_openid_providers_configuration(tmp_path, config):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRYGD_")}
    env["TRYGD_TOKEN_SECRET"] = "s" * 32
    (tmp_path / "broken.json").write_text('{"public_url": "http://x", "issuers": {"a": {}}}')
    if config:
        env["TRYGD_OIDC_CONFIG"] = str(tmp_path / config)
    result = subprocess.run(
        [str(TRYGD), "serve", "--port", str(_free_port())],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert ("TRYGD_OIDC_CONFIG" if config is None else "OpenID configuration") in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "trygd.sqlite3").exists()
