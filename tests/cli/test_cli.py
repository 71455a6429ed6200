"""The command line as a user meets it: readable output, JSON output, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from trygd.applications.inputs import input_schema
from trygd.applications.output_schema import output_schema
from trygd.cli.main import app

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# The example's person, with her income per month (as a-inntekt gives it).
GOOD = {
    key: value
    for key, value in json.loads((EXAMPLES / "dagpenger-lost-job.json").read_text()).items()
    if key != "description"
}


def write(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "application.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_assess_prints_a_tree_with_legal_references(tmp_path: Path) -> None:
    result = runner.invoke(app, ["assess", str(write(tmp_path, GOOD)), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "GRANTED" in result.output
    assert "ftrl. § 4-4" in result.output
    assert "Minimum income" in result.output


def test_assess_json_follows_the_published_output_schema(tmp_path: Path) -> None:
    result = runner.invoke(app, ["assess", str(write(tmp_path, GOOD)), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    jsonschema.validate(document, output_schema())
    assert document["outcome"] == "granted"
    assert document["amounts"]["total_daily"] == 553


def test_at_overrides_the_claim_date(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    result = runner.invoke(app, ["assess", str(path), "--json", "--at", "2025-06-01"])
    assert json.loads(result.output)["at"] == "2025-06-01"


def test_every_example_is_valid_input_and_assesses(tmp_path: Path) -> None:
    schema = input_schema()
    for path in sorted(EXAMPLES.glob("*.json")):
        jsonschema.validate(json.loads(path.read_text()), schema)
        result = runner.invoke(app, ["assess", str(path), "--json"])
        assert result.exit_code == 0, (path.name, result.output)
        jsonschema.validate(json.loads(result.output), output_schema())


def facts_with(**changes: object) -> dict:
    return {**GOOD, "facts": {**GOOD["facts"], **changes}}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "must be a JSON object"),
        ({**GOOD, "benefit": "pension"}, "benefit: 'pension' is unknown"),
        ({k: v for k, v in GOOD.items() if k != "benefit"}, "benefit: missing"),
        ({**GOOD, "claim_date": "2025-02-30"}, "claim_date: is not a valid date"),
        (facts_with(income_12m=-1), "facts.income_12m: must be at least 0"),
        (facts_with(income_12m="190000"), "facts.income_12m: must be a number"),
        (facts_with(children=1.5), "facts.children: must be a whole number"),
        (facts_with(stays_in_norway="yes"), "facts.stays_in_norway: must be true or false"),
        (facts_with(birth_date="1985-13-01"), "facts.birth_date: is not a valid date"),
        (facts_with(birth_date="2030-01-01"), "facts.birth_date: is after the claim date"),
        (facts_with(incomee=1), "facts.incomee: is not a known field"),
        (facts_with(current_working_hours=200), "facts.current_working_hours: must be at most"),
        (
            {**facts_with(birth_date="1930-01-01"), "claim_date": "1960-01-01"},
            "no value in force",
        ),
    ],
)
def test_bad_input_names_the_field_and_exits_2(
    tmp_path: Path, content: object, message: str
) -> None:
    result = runner.invoke(app, ["assess", str(write(tmp_path, content))])
    assert result.exit_code == 2
    assert message in result.output.replace("\n", " ")
    assert "Traceback" not in result.output


def test_bad_options_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    assert runner.invoke(app, ["assess", str(path), "--at", "2025-13-01"]).exit_code == 2
    assert runner.invoke(app, ["assess", str(path), "--lang", "de"]).exit_code == 2
    missing = runner.invoke(app, ["assess", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2 and "cannot read" in missing.output


def test_schemas_are_valid_json_schema() -> None:
    for kind in ("input", "output"):
        result = runner.invoke(app, ["schema", kind])
        assert result.exit_code == 0
        jsonschema.Draft202012Validator.check_schema(json.loads(result.output))


def test_simulate_with_a_reform_reports_both_side_by_side(tmp_path: Path) -> None:
    reform = tmp_path / "reform.toml"
    reform.write_text(
        'title = "Higher child supplement"\n'
        '[parameters."dagpenger.child_supplement"]\n'
        'values = [{ from = 2026-01-01, value = 60, source = "test reform" }]\n'
    )
    result = runner.invoke(
        app,
        ["simulate", "--persons", "20000", "--at", "2026-06-01", "--reform", str(reform), "--json"],
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    base = figures["baseline"]["dagpenger"]
    changed = figures["reform"]["dagpenger"]
    assert changed["yearly_cost"] > base["yearly_cost"]
    assert figures["comparison"]["dagpenger"]["winners"] > 0
    assert figures["comparison"]["dagpenger"]["losers"] == 0


EXAMPLE_REFORM = Path(__file__).resolve().parents[2] / "examples" / "reforms"


@pytest.mark.parametrize(("at", "changes"), [("2026-12-31", False), ("2027-03-01", True)])
def test_the_example_reform_of_a_70_percent_maximum_reduction(at: str, changes: bool) -> None:
    """examples/reforms/uforetrygd-max-reduction-70.toml (Prop. 8 L (2025-2026), proposed,
    from an illustrative 2027-01-01): some uføre who earn above the inntektsgrense keep more
    uføretrygd, nobody loses, and no other benefit changes; before its date nothing does."""
    reform = EXAMPLE_REFORM / "uforetrygd-max-reduction-70.toml"
    result = runner.invoke(
        app, ["simulate", "--persons", "20000", "--at", at, "--reform", str(reform), "--json"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    for benefit in ("dagpenger", "sykepenger", "aap"):
        assert figures["reform"][benefit] == figures["baseline"][benefit]
    base = figures["baseline"]["uforetrygd"]["yearly_cost"]
    changed = figures["reform"]["uforetrygd"]["yearly_cost"]
    assert figures["comparison"]["uforetrygd"]["losers"] == 0
    if changes:
        assert changed > base and figures["comparison"]["uforetrygd"]["winners"] > 0
    else:
        assert changed == base and figures["comparison"]["uforetrygd"]["winners"] == 0


def test_simulate_with_a_g_reform(tmp_path: Path) -> None:
    """The README's G reform: a higher G from 2027 raises the 6 G caps and the thresholds."""
    reform = tmp_path / "g.toml"
    reform.write_text(
        'title = "G 2027"\n'
        '[parameters."common.grunnbelop"]\n'
        "values = [{ from = 2027-05-01, minimum_income_from = 2027-06-01, value = 142000, "
        'yearly_average = 140183, source = "test reform" }]\n'
    )
    result = runner.invoke(
        app,
        ["simulate", "--persons", "5000", "--at", "2027-07-01", "--reform", str(reform), "--json"],
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert (
        figures["reform"]["sykepenger"]["yearly_cost"]
        > figures["baseline"]["sykepenger"]["yearly_cost"]
    )


def test_simulate_is_reproducible_with_a_seed() -> None:
    args = ["simulate", "--persons", "5000", "--at", "2026-06-01", "--seed", "7", "--json"]
    first = json.loads(runner.invoke(app, args).output)
    second = json.loads(runner.invoke(app, args).output)
    assert first["baseline"] == second["baseline"]


@pytest.mark.parametrize(
    ("reform_text", "message"),
    [
        ("not = [toml", "not a valid TOML file"),
        ('[parameters."no.such"]\nvalues = []\n', "unknown parameter 'no.such'"),
        (
            '[parameters."common.grunnbelop_minimum_income"]\n'
            'values = [{ from = 2027-06-01, value = 142000, source = "s" }]\n',
            "is a view of the G list common.grunnbelop",
        ),
        (
            '[parameters."common.grunnbelop"]\n'
            'values = [{ from = 2027-05-01, value = 142000, source = "s" }]\n',
            "needs a 'minimum_income_from' date",
        ),
    ],
)
def test_a_bad_reform_file_exits_2(tmp_path: Path, reform_text: str, message: str) -> None:
    reform = tmp_path / "reform.toml"
    reform.write_text(reform_text)
    result = runner.invoke(app, ["simulate", "--persons", "10", "--reform", str(reform)])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize(
    "reform_text",
    [
        '[parameters."aap.minimum_factor"]\nvalues = [2.2]\n',
        '[parameters."aap.minimum_factor"]\nknown_until = "2027-01-01"\n'
        'values = [{ from = 2027-01-01, value = 2.2, source = "s" }]\n',
    ],
)
def test_a_malformed_reform_value_exits_2_without_a_traceback(
    tmp_path: Path, reform_text: str
) -> None:
    reform = tmp_path / "reform.toml"
    reform.write_text(reform_text)
    result = runner.invoke(app, ["simulate", "--persons", "10", "--reform", str(reform)])
    assert result.exit_code == 2, result.output
    assert "aap.minimum_factor" in result.output


def test_assessing_past_the_known_date_of_g_warns(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["assess", str(write(tmp_path, GOOD)), "--at", "2027-06-01", "--json"]
    )
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert any("common.grunnbelop" in w for w in document["warnings"])
