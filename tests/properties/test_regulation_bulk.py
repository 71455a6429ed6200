"""G-regulering of many grants at once (`trygd.rules.regulation.regulate_many`, the column-wise
path a run takes) gives exactly what one grant at a time gives.

Hypothesis draws sets of grants of every benefit that follows G (uføretrygd, AAP, sykepenger),
each with its own income, family, sick leave and date of assessment, several on one day. For
every set:

- `regulate_many` decides each grant as `regulate` does: the same verdict, and amounts that
  are the same JSON to the bit (types included);
- the amounts are those of assessing the case afresh with the new G: the parameters in force
  on the grant's own date of assessment, with G replaced by the new one;
- the compact record a run stores expands (through its JSON) into exactly the record
  `regulate` makes, and the run's compact JSON is `compact`'s;
- regulating the compact record again gives what regulating the original once gives.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trygd.applications.inputs import InputError, parse_application
from trygd.rules.assessment import benefit_by_id, default_ruleset
from trygd.rules.record import DecisionRecord, _evaluate, evaluate_record, stored_params
from trygd.rules.regulation import (
    Compact,
    Grant,
    _with_g,
    compact,
    expand,
    g_shorts,
    new_g,
    regulate,
    regulate_many,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
G_2025, G_2026 = dt.date(2025, 5, 1), dt.date(2026, 5, 1)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _json(value: Any) -> bytes:
    return orjson.dumps(value, default=str)


def _stored(record: DecisionRecord) -> DecisionRecord:
    """The record as read back from the database (through its JSON)."""
    return DecisionRecord.from_json(json.loads(json.dumps(record.to_json())))


def _record(example: str, claim: dt.date, facts: dict[str, Any]) -> DecisionRecord | None:
    document = json.loads((EXAMPLES / f"{example}.json").read_text())
    document["claim_date"] = claim.isoformat()
    document["facts"].update(facts)
    try:
        app = parse_application(json.dumps(document))
    except InputError:
        return None
    record = evaluate_record(app.benefit, app.facts, app.claim_date)
    return _stored(record) if record.outcome.value == "granted" else None


def _uforetrygd(draw: Any, claim: dt.date) -> DecisionRecord | None:
    children = draw(st.integers(0, 3))
    return _record(
        draw(st.sampled_from(["uforetrygd-60-prosent", "uforetrygd-barnetillegg"])),
        claim,
        {
            "uforetidspunkt": "2024-03-01",
            "income_before_uforhet": draw(st.integers(150_000, 1_500_000)),
            "expected_income": draw(st.integers(0, 300_000)),
            "children": children,
            "children_with_both_parents": draw(st.integers(0, children)),
        },
    )


def _aap(draw: Any, claim: dt.date) -> DecisionRecord | None:
    return _record(
        draw(st.sampled_from(["aap-after-sykepenger", "aap-young-no-income"])), claim, {}
    )


def _sykepenger(draw: Any, claim: dt.date) -> DecisionRecord | None:
    days = draw(st.integers(17, 200))
    period = {
        "from": claim.isoformat(),
        "to": (claim + dt.timedelta(days=days)).isoformat(),
        "grade": draw(st.sampled_from([50, 80, 100])),
    }
    return _record(
        "sykepenger-truls",
        claim,
        {
            "yearly_income": draw(st.integers(150_000, 1_500_000)),
            "days_in_work": 400,
            "sick_leave_periods": [period],
        },
    )


MAKERS = {"uforetrygd": _uforetrygd, "aap": _aap, "sykepenger": _sykepenger}


@st.composite
def grants(draw: Any, benefit: str) -> list[DecisionRecord]:
    """A few days of assessment and several grants on each."""
    days = draw(
        st.lists(st.dates(dt.date(2024, 9, 1), dt.date(2026, 3, 31)), min_size=1, max_size=3)
    )
    made = []
    for day in days:
        for _ in range(draw(st.integers(1, 4))):
            record = MAKERS[benefit](draw, day)
            if record is not None:
                made.append(record)
    return made


def _check(records: list[DecisionRecord]) -> None:
    if not records:
        return
    benefit_id = records[0].benefit
    new = new_g(G_2026)
    by_day: dict[dt.date, list[DecisionRecord]] = {}
    for record in records:
        by_day.setdefault(record.at, []).append(record)
    for day, group in by_day.items():
        params = stored_params(group[0])
        many = regulate_many(
            benefit_id, params, [Grant(r.input_facts, r.at, r.amounts) for r in group], new
        )
        for record, result in zip(group, many, strict=True):
            one = regulate(record, G_2026)
            assert result is not None, "a granted record the columns could not decide"
            assert result.verdict == one.verdict
            if one.verdict == "outcome_changed":
                continue
            assert one.record is not None and result.amounts is not None
            assert _json(result.amounts) == _json(one.record.amounts)
            annual = benefit_by_id(benefit_id).annual_amount
            assert _json(result.annual_after) == _json(one.record.names[annual])
            # Afresh: today's parameters on the grant's own date, G replaced by the new one.
            benefit = benefit_by_id(benefit_id)
            fresh = _with_g(default_ruleset().params(benefit, day), g_shorts(benefit_id), new)
            afresh = _evaluate(benefit, dict(record.input_facts), day, fresh)
            assert _json(afresh["amounts"]) == _json(one.record.amounts)
            # The compact record stored by the run expands into the whole record.
            version = one.record.ruleset_version
            document = compact("base-id", record.to_json(), result.amounts, new, version)
            written = Compact(new, version).document("base-id", record.to_json(), result.amounts)
            assert orjson.loads(written) == json.loads(json.dumps(document))
            expanded = expand(record, orjson.loads(written))
            assert expanded == one.record
            # Regulated again (from the compact record's expansion) as if regulated once.
            assert regulate(expanded, G_2026).verdict in ("unchanged", "outcome_changed")


@SETTINGS
@given(records=grants("uforetrygd"))
def test_uforetrygd_in_bulk_is_uforetrygd_one_by_one(records: list[DecisionRecord]) -> None:
    _check(records)


@SETTINGS
@given(records=grants("aap"))
def test_aap_in_bulk_is_aap_one_by_one(records: list[DecisionRecord]) -> None:
    _check(records)


@SETTINGS
@given(records=grants("sykepenger"))
def test_sykepenger_in_bulk_are_sykepenger_one_by_one(records: list[DecisionRecord]) -> None:
    _check(records)


def test_grants_regulated_in_2025_then_2026_in_bulk() -> None:
    """A grant whose record in force is last year's regulering (its G from 2025): the
    columns regulate it from its own G, as `regulate` does the expanded record."""
    record = _record("uforetrygd-60-prosent", dt.date(2024, 10, 1), {})
    assert record is not None
    last_year = regulate(record, G_2025)
    assert last_year.record is not None
    params = _with_g(stored_params(record), g_shorts("uforetrygd"), new_g(G_2025))
    grant = Grant(record.input_facts, record.at, last_year.record.amounts)
    [result] = regulate_many("uforetrygd", params, [grant], new_g(G_2026))
    one = regulate(last_year.record, G_2026)
    assert result is not None and one.record is not None
    assert _json(result.amounts) == _json(one.record.amounts)


def test_amounts_that_are_not_the_stored_ones_are_left_to_regulate() -> None:
    """A grant whose stored amounts the columns do not give with its own G (another
    parameter, a changed record) is not decided here: None, for `regulate`."""
    record = _record("uforetrygd-60-prosent", dt.date(2024, 10, 1), {})
    assert record is not None
    altered = {**record.amounts, "monthly_amount": record.amounts["monthly_amount"] + 1}
    [result] = regulate_many(
        "uforetrygd",
        stored_params(record),
        [Grant(record.input_facts, record.at, altered)],
        new_g(G_2026),
    )
    assert result is None
