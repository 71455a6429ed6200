"""Every benchmark script can at least be imported: a script that names something its
neighbour no longer has (a benchmark built on another's helpers) fails here, not on the day
someone needs its figures. The scripts only run their measurement under `__main__`."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
SCRIPTS = sorted(path.stem for path in BENCHMARKS.glob("*.py") if not path.stem.startswith("_"))
HELPERS = sorted(path.stem for path in BENCHMARKS.glob("_*.py"))
"""Modules the scripts share (named with a leading underscore): imported, never run."""


def test_there_are_benchmarks() -> None:
    assert {"payments", "meldekort", "regulate", "tilbakekreving"} <= set(SCRIPTS)


@pytest.mark.parametrize("name", SCRIPTS)
def test_a_benchmark_script_imports(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    for loaded in [m for m in sys.modules if m in SCRIPTS or m in HELPERS]:
        monkeypatch.delitem(sys.modules, loaded)
    module = importlib.import_module(name)
    assert callable(getattr(module, "main", None)), f"benchmarks/{name}.py has no main()"
