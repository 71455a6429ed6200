"""The JSON format of an application, validated into facts the rules core can assess.

The format is generated from each benefit's fact declarations, so the rules and the input
schema cannot drift apart. Validation is strict: a wrong type, an impossible date, a negative
amount, an unknown fact or an unknown benefit is refused with a message naming the field,
never silently converted.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, model_validator

from trygd.rules.assessment import default_ruleset
from trygd.rules.benefits import BENEFITS
from trygd.rules.declarations import KIND_MAXIMUM, Benefit, Fact
from trygd.rules.parameters import ParameterError


class InputError(ValueError):
    """An application that cannot be assessed as given; `problems` are (field, problem)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{field}: {problem}" for field, problem in problems))


@dataclass(frozen=True)
class Application:
    benefit: str
    claim_date: dt.date
    facts: dict[str, Any]
    description: str | None = None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


PERIOD_RANGE = (dt.date(1900, 1, 1), dt.date(2100, 12, 31))
"""Periods are walked through day by day (sykepenger): far outside any real case is refused."""


class Period(_Strict):
    """A period of days, both ends included."""

    from_: dt.date = Field(alias="from")
    to: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.to < self.from_:
            raise ValueError("'to' is before 'from'")
        earliest, latest = PERIOD_RANGE
        if self.from_ < earliest or self.to > latest:
            raise ValueError(f"must lie between {earliest} and {latest}")
        return self


class GradedPeriod(Period):
    """A period of sick leave as a sick note gives it: both ends included, and the grade
    (sykmeldingsgrad) in percent."""

    grade: Annotated[float, Field(ge=0, le=100)]


class YearlyAmount(_Strict):
    year: Annotated[int, Field(ge=1967, le=2100)]
    amount: Annotated[float, Field(ge=0, le=KIND_MAXIMUM["money"])]


class MonthlyAmount(_Strict):
    """An amount for one calendar month, written "YYYY-MM" (as a-inntekt gives it)."""

    month: Annotated[str, Field(pattern=r"^(19[6-9][0-9]|20[0-9][0-9]|2100)-(0[1-9]|1[0-2])$")]
    amount: Annotated[float, Field(ge=0, le=KIND_MAXIMUM["money"])]


def _field_type(fact: Fact) -> Any:
    bounds: dict[str, Any] = {"ge": fact.minimum if fact.minimum is not None else 0}
    if fact.upper_bound is not None:
        bounds["le"] = fact.upper_bound
    match fact.kind:
        case "date":
            return dt.date
        case "bool":
            return bool
        case "count" | "days" | "years":
            return Annotated[int, Field(**bounds)]
        case "percent":
            return Annotated[float, Field(ge=0, le=100)]
        case "periods":
            return list[Period]
        case "graded_periods":
            return list[GradedPeriod]
        case "yearly_amounts":
            return list[YearlyAmount]
        case "monthly_amounts":
            return list[MonthlyAmount]
        case _:
            return Annotated[float, Field(**bounds)]


@cache
def facts_model(benefit_id: str) -> type[BaseModel]:
    """A pydantic model of one benefit's input facts; every fact is optional."""
    benefit = BENEFITS[benefit_id]
    fields: dict[str, Any] = {
        fact.name: (_field_type(fact) | None, Field(default=None, description=fact.description))
        for fact in benefit.input_facts
    }
    return create_model(f"{benefit_id.capitalize()}Facts", __base__=_Strict, **fields)


@cache
def application_model(benefit_id: str) -> type[BaseModel]:
    return create_model(
        f"{benefit_id.capitalize()}Application",
        __base__=_Strict,
        description=(str | None, Field(default=None, description="Free text for people")),
        benefit=(str, Field(description=f"Always '{benefit_id}' here")),
        claim_date=(dt.date, Field(description="The date the claim is assessed on (YYYY-MM-DD)")),
        facts=(facts_model(benefit_id), Field(description="What is known; leave out the unknown")),
    )


_PROBLEMS = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "date_parsing": "is not a valid date (write it as YYYY-MM-DD)",
    "date_from_datetime_parsing": "is not a valid date (write it as YYYY-MM-DD)",
    "date_type": "must be a date written as YYYY-MM-DD",
    "bool_type": "must be true or false",
    "int_type": "must be a whole number",
    "float_type": "must be a number",
    "finite_number": "must be a finite number",
    "string_type": "must be a text",
    "list_type": "must be a list",
    "string_pattern_mismatch": "must be a month written as YYYY-MM (for example 2025-03)",
    "model_type": "must be an object",
    "dict_type": "must be an object",
}


def _problem(error: Any) -> tuple[str, str]:
    field = ".".join(str(part) for part in error["loc"]) or "application"
    kind = error["type"]
    context = error.get("ctx") or {}
    if kind == "greater_than_equal":
        problem = f"must be at least {context['ge']:g}"
    elif kind == "less_than_equal":
        problem = f"must be at most {context['le']:g}"
    elif kind == "value_error":
        problem = str(context.get("error", error["msg"]))
    else:
        problem = _PROBLEMS.get(kind, error["msg"])
    return field, problem


def parse_application(text: str | bytes) -> Application:
    """Parse and validate one application in the JSON input format."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            [
                (
                    "application",
                    f"is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})",
                )
            ]
        ) from None
    if not isinstance(raw, dict):
        raise InputError([("application", "must be a JSON object")])
    benefit_id = raw.get("benefit")
    if not isinstance(benefit_id, str) or benefit_id not in BENEFITS:
        known = ", ".join(sorted(BENEFITS))
        shown = "missing" if benefit_id is None else f"{benefit_id!r} is unknown"
        raise InputError([("benefit", f"{shown}; use one of: {known}")])
    model = application_model(benefit_id)
    try:
        parsed = model.model_validate_json(json.dumps(raw))
    except ValidationError as error:
        raise InputError([_problem(e) for e in error.errors()]) from None
    facts = _plain_facts(parsed.facts)  # type: ignore[attr-defined]
    _check_consistency(BENEFITS[benefit_id], facts, parsed.claim_date)  # type: ignore[attr-defined]
    return Application(benefit_id, parsed.claim_date, facts, parsed.description)  # type: ignore[attr-defined]


def _plain_facts(model: BaseModel) -> dict[str, Any]:
    facts = {}
    for name, value in model:
        if value is None:
            continue
        if isinstance(value, list):
            value = [item.model_dump(by_alias=True) for item in value]
        facts[name] = value
    return facts


def _check_consistency(benefit: Benefit, facts: dict[str, Any], claim_date: dt.date) -> None:
    """Facts that contradict each other are refused rather than assessed."""
    problems = []
    for fact in benefit.input_facts:
        value = facts.get(fact.name)
        if fact.kind == "date" and value is not None and value > claim_date:
            problems.append((f"facts.{fact.name}", "is after the claim date"))
        bound = facts.get(fact.at_most) if fact.at_most else None
        if value is not None and bound is not None and value > bound:
            problems.append((f"facts.{fact.name}", f"is more than {fact.at_most} ({bound})"))
        if fact.kind == "yearly_amounts" and value:
            years = [item["year"] for item in value]
            if len(set(years)) != len(years):
                problems.append((f"facts.{fact.name}", "has the same year more than once"))
        if fact.kind == "monthly_amounts" and value:
            months = [item["month"] for item in value]
            if len(set(months)) != len(months):
                problems.append((f"facts.{fact.name}", "has the same month more than once"))
        if fact.kind == "graded_periods" and value is not None:
            problems.extend(_graded_period_problems(f"facts.{fact.name}", value, claim_date))
    if not problems and benefit.input_problems is not None:
        problems = _benefit_problems(benefit, facts, claim_date)
    if problems:
        raise InputError(problems)


def _benefit_problems(
    benefit: Benefit, facts: dict[str, Any], claim_date: dt.date
) -> list[tuple[str, str]]:
    """The benefit's own checks, which need the claim date and the law on it (dagpenger: the
    income months of the earning period), under the parameters shipped with trygd. A claim
    date for which the parameters have no value is left to the assessment, which names it."""
    assert benefit.input_problems is not None
    try:
        params = default_ruleset().params(benefit, claim_date)
    except ParameterError:
        return []
    return [
        (f"facts.{name}", problem)
        for name, problem in benefit.input_problems(facts, claim_date, params)
    ]


def _graded_period_problems(
    field: str, periods: list[dict[str, Any]], claim_date: dt.date
) -> list[tuple[str, str]]:
    """Sick notes must be given (an empty list is no sick leave), must not overlap (a day has
    one grade) and must begin on or before the claim date: the claim date is the first day
    of the sick leave (later in a revurdering)."""
    if not periods:
        return [(field, "must hold at least one period (leave the fact out if none is known)")]
    ordered = sorted(periods, key=lambda item: (item["from"], item["to"]))
    problems = []
    for before, after in itertools.pairwise(ordered):
        if after["from"] <= before["to"]:
            problems.append(
                (
                    field,
                    f"has periods that overlap ({before['from']} to {before['to']} and "
                    f"{after['from']} to {after['to']}); give each day once",
                )
            )
    if ordered[0]["from"] > claim_date:
        problems.append(
            (
                field,
                f"starts on {ordered[0]['from']}, after the claim date {claim_date}; the claim "
                "date is the first day of the sick leave",
            )
        )
    return problems


TITLE = "trygd application"
DESCRIPTION = "An application to assess: benefit, claim date and the facts known."


def input_schema_parts(ref_template: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The application format, one alternative per benefit, and the definitions it refers to
    with `ref_template` (pydantic's, e.g. "#/components/schemas/{model}"). Split so that an
    OpenAPI document can keep the definitions where its own references look for them."""
    alternatives = []
    definitions: dict[str, Any] = {}
    for benefit_id in sorted(BENEFITS):
        schema = application_model(benefit_id).model_json_schema(
            by_alias=True, ref_template=ref_template
        )
        definitions.update(schema.pop("$defs", {}))
        schema["properties"]["benefit"] = {"const": benefit_id, "description": "The benefit"}
        alternatives.append(schema)
    return {"title": TITLE, "description": DESCRIPTION, "oneOf": alternatives}, definitions


def input_schema() -> dict[str, Any]:
    """JSON Schema of the application format as a document of its own, with its `$defs`."""
    schema, definitions = input_schema_parts("#/$defs/{model}")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://trygd.example/schemas/application.json",
        **schema,
        "$defs": definitions,
    }
