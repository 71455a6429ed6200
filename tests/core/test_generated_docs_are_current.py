"""docs/formats.md and the JSON schemas in docs/schemas are generated from the code by
scripts/write_format_docs.py. A rule that changes its needs, or a fact its description,
must regenerate them; this test fails until someone does, so the documentation a user
reads is never older than the code."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
HOW = "run: .venv/bin/python scripts/write_format_docs.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "write_format_docs", ROOT / "scripts" / "write_format_docs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_formats_page_matches_the_code() -> None:
    page = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    assert page == _script().build_page(), f"docs/formats.md is out of date; {HOW}"


def test_schemas_match_the_code() -> None:
    script = _script()
    for name, schema in (
        ("application.schema.json", script.input_schema()),
        ("assessment.schema.json", script.output_schema()),
    ):
        stored = (ROOT / "docs" / "schemas" / name).read_text(encoding="utf-8")
        assert stored == json.dumps(schema, ensure_ascii=False, indent=2) + "\n", (
            f"docs/schemas/{name} is out of date; {HOW}"
        )
