"""`trygd retention run` and `trygd retention schedule` on a migrated SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trygd.cli.main import app
from trygd.store.database import make_engine, migrate

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'trygd.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    monkeypatch.setenv("TRYGD_DATABASE_URL", url)
    monkeypatch.delenv("TRYGD_MIGRATION_DATABASE_URL", raising=False)
    return url


def test_a_dry_run_reports_every_rule_as_json(database: str) -> None:
    result = runner.invoke(app, ["retention", "run", "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["dry_run"] is True
    kinds = {r["kind"] for r in report["results"]}
    assert {"unsent_applications", "rejected_applications", "audit_records"} <= kinds
    assert all(r["legal_basis"] and r["rule"] for r in report["results"])


def test_a_run_prints_a_table(database: str) -> None:
    result = runner.invoke(app, ["retention", "run", "--no-audit"])
    assert result.exit_code == 0, result.output
    assert "Retention run" in result.output and "not touched" in result.output


def test_bad_input_exits_2(database: str) -> None:
    result = runner.invoke(app, ["retention", "schedule", "--from", "2026-13-01"])
    assert result.exit_code == 2 and "--from" in result.output
    assert runner.invoke(app, ["retention", "schedule", "--from", "2026-12-01"]).exit_code == 0


def test_an_unusable_database_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRYGD_DATABASE_URL", f"sqlite:///{tmp_path / 'missing' / 'x.sqlite3'}")
    result = runner.invoke(app, ["retention", "run", "--dry-run"])
    assert result.exit_code == 2 and "Traceback" not in result.output
