"""`python3 dev.py test` runs the suite in several pytest processes (pytest-xdist), which
hand tests out by node id: of tests that share a node id only one runs, and nothing says the
rest did not. Every node id must therefore be unique, except in the files `dev.py` runs on
their own afterwards (`SERIAL_TESTS`)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _serial_tests() -> tuple[str, ...]:
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    return tuple(dev.SERIAL_TESTS)


def test_every_test_outside_the_serial_files_has_its_own_node_id():
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=300,
    )
    assert collected.returncode == 0, collected.stdout[-2000:] + collected.stderr[-2000:]
    ids = [line for line in collected.stdout.splitlines() if "::" in line]
    assert len(ids) > 1000, collected.stdout[-2000:]
    shared = {node for node, count in Counter(ids).items() if count > 1}
    serial = _serial_tests()
    outside = sorted(node for node in shared if not node.startswith(serial))
    assert not outside, f"tests that share a node id outside {serial}: {outside[:10]}"
    # The serial file really has such tests (else it need not run on its own).
    assert any(node.startswith(serial) for node in shared)
