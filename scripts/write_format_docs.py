"""Regenerate docs/formats.md and the JSON Schemas in docs/schemas/ from the code.

The fact tables come from each benefit's declarations (`trygd.rules.benefits.BENEFITS`), the
allowed values from the same pydantic models that validate applications, the schemas from
`trygd schema input|output`, and the examples from real `trygd assess --json` runs on the
files in examples/. Run it after adding or changing a benefit, a fact or a format:

    .venv/bin/python scripts/write_format_docs.py
"""

from __future__ import annotations

import copy
import inspect
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from trygd.applications.inputs import application_model, input_schema
from trygd.applications.output_schema import output_schema
from trygd.cli.main import app
from trygd.rules.benefits import BENEFITS
from trygd.rules.declarations import Benefit

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"
PREFERRED_EXAMPLE = "dagpenger-lost-job.json"


def _cell(text: str) -> str:
    """Text that is safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _number(value: float) -> str:
    return f"{value:g}"


def _allowed(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    """What the validator accepts for one fact, read from its JSON Schema."""
    options = [option for option in prop.get("anyOf", [prop]) if option.get("type") != "null"]
    schema = options[0] if options else prop
    kind = schema.get("type")
    if kind == "array":
        item_ref = schema.get("items", {}).get("$ref", "")
        item = defs.get(item_ref.rsplit("/", 1)[-1], {})
        fields = ", ".join(
            f'"{name}": {_allowed(sub, defs)}' for name, sub in item.get("properties", {}).items()
        )
        return f"list of {{{fields}}}"
    if kind == "string" and schema.get("format") == "date":
        return "date `YYYY-MM-DD`"
    if kind == "string" and "pattern" in schema:
        return "month `YYYY-MM`"
    if kind == "boolean":
        return "`true` / `false`"
    words = {"integer": "whole number", "number": "number"}.get(str(kind), str(kind))
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        return f"{words} {_number(low)}–{_number(high)}"
    if low is not None:
        return f"{words} ≥ {_number(low)}"
    if high is not None:
        return f"{words} ≤ {_number(high)}"
    return words


def _doc_paragraphs(obj: Any) -> list[str]:
    doc = inspect.getdoc(obj) or ""
    return [" ".join(part.split()) for part in doc.split("\n\n") if part.strip()]


def _benefit_section(benefit: Benefit) -> list[str]:
    schema = application_model(benefit.id).model_json_schema(by_alias=True)
    defs = schema.get("$defs", {})
    facts_ref = schema["properties"]["facts"]["$ref"].rsplit("/", 1)[-1]
    properties = defs[facts_ref]["properties"]
    module = sys.modules[benefit.rules[0].formula.__module__]
    paragraphs = _doc_paragraphs(module)
    flat = {fact.name for fact in benefit.facts}
    lines = [f"### `{benefit.id}` ({benefit.chapter})", ""]
    if paragraphs:
        lines += [paragraphs[0], ""]
    lines += [p for p in paragraphs if p.startswith("`at`")] + [""]
    lines += [
        "| fact | kind | accepted values | meaning |",
        "|---|---|---|---|",
    ]
    for fact in benefit.input_facts:
        meaning = fact.description
        if fact.name not in flat:
            meaning += " (input only: turned into flat facts before assessment, see below)"
        allowed = _allowed(properties[fact.name], defs)
        lines.append(f"| `{fact.name}` | {fact.kind} | {_cell(allowed)} | {_cell(meaning)} |")
    lines.append("")
    if benefit.derive is not None:
        derive_doc = _doc_paragraphs(benefit.derive)
        lines += ["How the input facts are turned into the facts the rules use:", ""]
        for paragraph in derive_doc:
            lines += [f"> {paragraph}", ">"]
        lines[-1] = ""
        given = {fact.name for fact in benefit.input_facts}
        derived = [f"`{fact.name}`" for fact in benefit.facts if fact.name not in given]
        if derived:
            lines += [
                "Derived only (the rules use them, an application cannot give them): "
                + ", ".join(derived)
                + ".",
                "",
            ]
    lines += [
        f"Rules, in the order they are evaluated (ids in the result are `{benefit.id}.<rule>`):",
        "",
        "| rule | kind | legal basis | needs |",
        "|---|---|---|---|",
    ]
    for rule in benefit.rules:
        needs = ", ".join(
            f"`{need}`" + (" (may be unknown)" if need in rule.may_be_unknown else "")
            for need in rule.needs
        )
        lines.append(f"| `{rule.id}` | {rule.kind} | {_cell(rule.legal_basis)} | {needs} |")
    amounts = ", ".join(f"`{name}`" for name in benefit.amounts)
    lines += ["", f"Reported under `amounts`: {amounts}.", ""]
    return lines


def _example_file() -> Path | None:
    preferred = EXAMPLES / PREFERRED_EXAMPLE
    if preferred.exists():
        return preferred
    files = sorted(EXAMPLES.glob("*.json"))
    return files[0] if files else None


def _run_assess(path: Path, *extra: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["assess", str(path), "--json", *extra])
    if result.exit_code != 0:
        raise SystemExit(f"trygd assess {path} failed ({result.exit_code}): {result.output}")
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def _abridge(output: dict[str, Any]) -> dict[str, Any]:
    """The result with only the first condition, calculation and parameter kept."""
    short = copy.deepcopy(output)
    for key in ("conditions", "calculations", "parameters"):
        short[key] = short[key][:1]
    return short


def _json_block(value: Any) -> list[str]:
    return ["```json", json.dumps(value, ensure_ascii=False, indent=2), "```", ""]


def _examples() -> list[str]:
    path = _example_file()
    if path is None:
        return ["## Examples", "", "(No example applications in examples/ at generation.)", ""]
    relative = path.relative_to(ROOT).as_posix()
    application = json.loads(path.read_text(encoding="utf-8"))
    output = _run_assess(path, "--lang", "en")
    counts = {key: len(output[key]) for key in ("conditions", "calculations", "parameters")}
    lines = ["## Examples", "", "### Example input", "", f"`{relative}`:", ""]
    lines += _json_block(application)
    lines += [
        "### Example output",
        "",
        f"`trygd assess {relative} --lang en --json`, abridged: the real output has "
        f"{counts['conditions']} conditions, {counts['calculations']} calculations and "
        f"{counts['parameters']} parameters; only the first of each is shown here.",
        "",
    ]
    lines += _json_block(_abridge(output))
    undetermined = [
        rule for rule in output["conditions"] + output["calculations"] if rule["missing_facts"]
    ]
    if not undetermined:
        trimmed = copy.deepcopy(application)
        facts = trimmed.get("facts", {})
        if facts:
            dropped = sorted(facts)[0] if "income_36m" not in facts else "income_36m"
            del facts[dropped]
            with tempfile.TemporaryDirectory() as folder:
                scratch = Path(folder) / path.name
                scratch.write_text(json.dumps(trimmed), encoding="utf-8")
                missing = _run_assess(scratch, "--lang", "en")
            entry = next(
                rule
                for rule in missing["conditions"] + missing["calculations"]
                if rule["status"] == "undetermined"
            )
            lines += [
                f"The same application without `{dropped}` gives the outcome "
                f"`{missing['outcome']}`, lists `{entry['id']}` and every rule that depends "
                "on it under `undetermined`, and explains each of them like this:",
                "",
            ]
            lines += _json_block(entry)
    return lines


INTRO = """\
# Formats

trygd reads applications as JSON and writes assessment results as JSON. Both formats have a
JSON Schema, printed by `trygd schema input` and `trygd schema output` and kept as files in
[schemas/](schemas/). This page is generated by `scripts/write_format_docs.py` from the
benefit declarations in `src/trygd/rules/benefits/`; do not edit it by hand, re-run the
script instead.

## Input: an application

```json
{
  "description": "free text for people (optional)",
  "benefit": "dagpenger",
  "claim_date": "2025-06-10",
  "facts": { "birth_date": "1985-03-14", "income_12m": 190000 }
}
```

| field | required | meaning |
|---|---|---|
| `benefit` | yes | Which benefit is claimed: {benefits}. |
| `claim_date` | yes | The date the claim is assessed on (`YYYY-MM-DD`); parameters are taken on \
this date. `trygd assess --at DATE` assesses on another date instead. What the date means in \
law differs per benefit (see each benefit below). |
| `facts` | yes | What is known about the applicant, as an object. Every fact is optional: \
leave out what is not known (or give `null`). |
| `description` | no | Free text for people; not used by the rules. |

Validation is strict. A wrong type (`"190000"` for a number, `1` for `true`), an impossible \
date, a number outside its range, a field the benefit does not know, a date fact after the \
claim date, the same year twice in a list of yearly amounts or the same month twice in a list \
of monthly amounts, a period outside 1900–2100, sick-leave periods that are empty, overlap or \
start after the claim date, a count above the count that includes it (uføretrygd's \
`children_with_both_parents` above `children`), or a fact a benefit's own checks refuse \
(dagpenger: a month outside the earning period, or a sum that contradicts the months) is \
refused: `trygd assess` prints one line naming the field (for example \
`facts.income_12m: must be at least 0`) and exits with code 2. Nothing is converted silently.

A missing fact is never replaced by a default. Every condition and calculation that needs it \
becomes `undetermined`, its explanation names the missing fact, and the outcome becomes \
`manual_assessment` unless another condition is already not met. The exception is the law's \
"or" and "and": a need marked "(may be unknown)" below can be missing when the rest decides \
the rule all the same: dagpenger's minimum income is met by 1.5 G in the last 12 months \
whatever the 36 months were, and a condition is not met when one side of its "and" is not. \
Such a rule is decided, and lists the facts it did without under `not_needed`.

Kinds: `money` is Norwegian kroner; `percent` is 0–100; `hours` are hours per week; `years`, \
`days` and `count` are whole numbers; `yearly_amounts` is a list of `{"year", "amount"}`; \
`monthly_amounts` is a list of `{"month", "amount"}` with the month written `YYYY-MM` (as \
a-inntekt gives it); `periods` is a list of `{"from", "to"}` dates, both ends included; \
`graded_periods` is a list of `{"from", "to", "grade"}` (a sick note: both ends included, the \
grade in percent).

## Facts per benefit
"""

OUTPUT = """\
## Output: an assessment (`trygd.assessment/1`)

`trygd assess FILE --json` prints one JSON object:

| field | meaning |
|---|---|
| `format` | Always `"trygd.assessment/1"`. |
| `benefit`, `chapter` | The benefit id and its chapter of folketrygdloven (`"ftrl. kapittel 4"`). |
| `at` | The date assessed on: the claim date, or `--at`. |
| `language` | `nb`, `nn` or `en`: the language of `title`, `explanation`, `summary` and \
`warnings`. |
| `outcome` | `granted`, `rejected` or `manual_assessment` (see below). |
| `summary` | One sentence for the applicant saying what the outcome means. |
| `failing_conditions` | Ids of the conditions that are not met. |
| `undetermined` | Ids of the conditions and calculations that could not be evaluated \
because facts are missing. |
| `conditions` | One entry per condition (vilkår), in the order of the law module. |
| `calculations` | One entry per calculation step (beregning), in order. |
| `amounts` | The benefit's headline figures by rule id: kroner unless the name says \
otherwise (`period_weeks` in weeks, `uforegrad` in percent, `days_used` in days, dates as \
dates); `null` where undetermined. |
| `parameters` | Every dated parameter value the assessment used: `name`, `value`, `unit`, \
`valid_from` (the date that value took effect), `legal_basis`, `source` and `status` \
(`confirmed` or `unconfirmed`). Year tables such as the yearly average of G are not listed. |
| `ruleset_version` | `RULES_VERSION+digest`, e.g. `2026.11.1+78559309c4f5`: the version of \
the rule logic and a digest of all parameter files. |
| `warnings` | Texts for the reader, e.g. that a value is only known to hold until a date \
before `at` (a G or a rate that may since have changed). |

Each entry in `conditions` and `calculations`:

| field | meaning |
|---|---|
| `id` | `benefit.rule`, e.g. `dagpenger.minimum_income`. |
| `legal_basis` | The section it implements, e.g. `ftrl. § 4-4`. |
| `title` | A short heading in the chosen language. |
| `status` | Conditions: `met`, `not_met` or `undetermined`. Calculations: `determined` \
or `undetermined`. |
| `explanation` | Plain language with the actual figures; for `undetermined`, which facts \
are missing. |
| `facts_used` | The application's facts the rule read, by name. |
| `values` | What the rule computed: its own result under its id, and intermediate values \
(thresholds, caps, shares) that the explanation shows. Empty when undetermined. |
| `missing_facts` | The facts whose absence made the rule undetermined. |
| `not_needed` | Only where the rule was decided with facts missing (one side of an "or" \
met, one side of an "and" not met): those facts. The explanation says which side decided. |

Values in `amounts`, `facts_used` and `values` are JSON numbers (whole numbers without a \
decimal point, others to at most six decimals), booleans, or dates as `YYYY-MM-DD` strings.

**Outcome.** `rejected` if any condition is `not_met`; otherwise `manual_assessment` if any \
condition or calculation is `undetermined`; otherwise `granted`. A rejection therefore stands \
even when other facts are missing.

**Stability.** Within `trygd.assessment/1` fields are only added, never renamed, removed or \
given another meaning; a breaking change gets a new format name. Rule ids, titles and \
explanations follow the law and may change with it: `ruleset_version` and `parameters` say \
which rules and values produced a result.
"""


def build_page() -> str:
    benefits = ", ".join(f"`{benefit_id}`" for benefit_id in sorted(BENEFITS))
    lines = [INTRO.replace("{benefits}", benefits)]
    for benefit_id in sorted(BENEFITS):
        lines += _benefit_section(BENEFITS[benefit_id])
    lines.append(OUTPUT)
    lines += _examples()
    return "\n".join(lines).rstrip() + "\n"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


def main() -> None:
    schemas = DOCS / "schemas"
    _write(
        schemas / "application.schema.json",
        json.dumps(input_schema(), ensure_ascii=False, indent=2) + "\n",
    )
    _write(
        schemas / "assessment.schema.json",
        json.dumps(output_schema(), ensure_ascii=False, indent=2) + "\n",
    )
    _write(DOCS / "formats.md", build_page())


if __name__ == "__main__":
    main()
