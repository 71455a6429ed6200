"""G-regulering of one running grant, as pure rules: the stored grant assessed again with the
new G in place of the G it used.

When G changes (normally from 1 May, ftrl. § 1-4), a running grant whose benefit follows G
(`BenefitProfile.regulation`) gets the amounts "assessing the case on its own with the new G"
gives: the same input facts, the same date of assessment and every other parameter as the
grant stored them, only G is the one in force on the day the new G takes effect. The income,
the age, the periods and the parameters that are not G stay as they were decided, so a
regulering changes nothing but what G changes.

The result is a new decision record: it names the new G with its own date and source among
its parameters, so the regulated vedtak can be reproduced like any other.

The same holds for any other scalar parameter: a `Change` names the parameters a bulk
recomputation replaces (G for a G-regulering; a corrected rate, or the new values of a reform
adopted into law, for an omregning) with the values in force on the day the change takes
effect. `regulate` and `regulate_many` take the G of a date; `recompute` and `recompute_many`
take a `Change`, and the G-regulering is the change that replaces G.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import orjson

from trygd.rules.assessment import RULES_VERSION, Ruleset, benefit_by_id, default_ruleset
from trygd.rules.benefits import PROFILES
from trygd.rules.declarations import Benefit
from trygd.rules.declarations import Outcome as DeclaredOutcome
from trygd.rules.evaluation import evaluate_many
from trygd.rules.parameters import ParameterError, Params, UsedParameter
from trygd.rules.record import (
    DecisionRecord,
    _evaluate,
    _used_parameters,
    decode,
    derived_facts,
    encode,
    stored_params,
    texts_digest,
)

G = "common.grunnbelop"
"""The ordinary G (by the day it takes effect); the minimum-income G and the yearly averages
are views the rules read for other purposes (minimum-income tests, income of earlier years)
and are not what a regulering moves."""

Verdict = Literal["regulated", "unchanged", "not_regulated", "outcome_changed"]


class NotRegulable(ValueError):
    """The grant cannot be regulated by the rules (a caseworker must look): the reason says
    why, in English, for the task and the run's report."""


@dataclass(frozen=True)
class Regulated:
    """What the new G does to one grant: `verdict`, and the new record (None when the benefit
    does not follow G). `unchanged`: the amounts are the same (a grant under the 6 G cap);
    `outcome_changed`: with the new G the grant is no longer granted (a caseworker decides)."""

    verdict: Verdict
    record: DecisionRecord | None
    old_g: float
    new_g: float


def _with_g(params: Params, shorts: tuple[str, ...], new: UsedParameter) -> Params:
    values = {k: v for k, v in vars(params).items() if k not in ("used", "stale")}
    for short in shorts:
        values[short] = new.value
    used = tuple(new if u.name == G else u for u in params.used)
    return Params(values, used, params.stale)


def with_parameters(params: Params, benefit_id: str, replaced: Sequence[UsedParameter]) -> Params:
    """`params` (the benefit's, as a record stored them) with the values of `replaced` in
    place of those of the same names."""
    names = benefit_by_id(benefit_id).parameters
    by_name = {p.name: p for p in replaced}
    values = {k: v for k, v in vars(params).items() if k not in ("used", "stale")}
    for short, full in names.items():
        if full in by_name:
            values[short] = by_name[full].value
    used = tuple(by_name.get(u.name, u) for u in params.used)
    return Params(values, used, params.stale)


@dataclass(frozen=True)
class Change:
    """What a bulk recomputation replaces in the stored grants: `replaced`, the parameters
    with the values in force from `effective_from` (their dates, sources and status as the
    parameter files give them). `key` tells one change from another (the run's outcomes are
    kept once per grant, date and key): `G` for the G-regulering, otherwise the names and new
    values, so that correcting a corrected value again is a new change."""

    key: str
    effective_from: dt.date
    replaced: tuple[UsedParameter, ...]

    @property
    def is_g_regulering(self) -> bool:
        return self.key == G_KEY

    @property
    def names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.replaced)

    def reaches(self, benefit_id: str) -> bool:
        """Whether grants of the benefit can change: a G-regulering reaches the benefits that
        follow G (`follows_g`); another change the benefits whose rules read a parameter it
        replaces."""
        if self.is_g_regulering:
            return follows_g(benefit_id)
        try:
            benefit = benefit_by_id(benefit_id)
        except KeyError:
            return False
        return bool(self.names & set(benefit.parameters.values()))


G_KEY = "G"


def g_change(g_from: dt.date, ruleset: Ruleset | None = None) -> Change:
    """The G-regulering from `g_from`: G replaced by the G in force that day."""
    return Change(G_KEY, g_from, (new_g(g_from, ruleset),))


class NotAChange(ValueError):
    """The parameters asked for cannot be recomputed in bulk (the message says why)."""


def parameter_change(
    names: Sequence[str], effective_from: dt.date, ruleset: Ruleset | None = None
) -> Change:
    """The change that gives stored grants the values the parameter files hold for `names`
    on `effective_from`: a corrected value, or the values of a reform entered in the files.
    Only single values can be replaced (not by-year tables or histories, which a grant reads
    for earlier years); raises `NotAChange` otherwise."""
    ruleset = ruleset or default_ruleset()
    if not names:
        raise NotAChange("name at least one parameter")
    replaced = []
    for name in sorted(set(names)):
        parameter = ruleset.parameters.parameters.get(name)
        if parameter is None:
            raise NotAChange(f"{name}: no such parameter")
        if parameter.by_year:
            raise NotAChange(f"{name}: a by-year table cannot be replaced in bulk")
        try:
            value = parameter.value_at(effective_from)
        except ParameterError as error:
            raise NotAChange(str(error)) from None
        if not isinstance(value.value, int | float) or isinstance(value.value, bool):
            raise NotAChange(f"{name}: only a number can be replaced in bulk")
        replaced.append(
            UsedParameter(
                name,
                float(value.value),
                value.start,
                parameter.unit,
                parameter.legal_basis,
                value.source,
                value.status,
            )
        )
    key = ";".join(f"{p.name}={p.value!r}@{p.valid_from.isoformat()}" for p in replaced)
    return Change(key, effective_from, tuple(replaced))


def benefits_reached(key: str) -> list[str]:
    """The benefits a change's grants can belong to, from its key alone (for reading a run's
    figures afterwards): those that follow G for the G-regulering, otherwise those whose rules
    read a parameter the key names."""
    if key == G_KEY:
        return sorted(benefit for benefit in PROFILES if follows_g(benefit))
    names = {part.split("=", 1)[0] for part in key.split(";") if "=" in part}
    return sorted(
        benefit for benefit in PROFILES if names & set(benefit_by_id(benefit).parameters.values())
    )


def new_g(g_from: dt.date, ruleset: Ruleset | None = None) -> UsedParameter:
    """The G in force on `g_from` as a record names it: value, date, source and status."""
    ruleset = ruleset or default_ruleset()
    parameter = ruleset.parameters[G]
    value = parameter.value_at(g_from)
    return UsedParameter(
        G,
        value.value,
        value.start,
        parameter.unit,
        parameter.legal_basis,
        value.source,
        value.status,
    )


def g_shorts(benefit_id: str) -> tuple[str, ...]:
    """The benefit's short names for G (`p.g`)."""
    return tuple(short for short, full in benefit_by_id(benefit_id).parameters.items() if full == G)


def follows_g(benefit_id: str) -> bool:
    """Whether a G-regulering reaches grants of the benefit (its profile says so, and its
    rules read G)."""
    profile = PROFILES.get(benefit_id)
    if profile is None or profile.regulation is None or not profile.regulation.regulated:
        return False
    return bool(g_shorts(benefit_id))


def regulate(record: DecisionRecord, g_from: dt.date, ruleset: Ruleset | None = None) -> Regulated:
    """The grant of `record` with the G in force on `g_from`.

    The record's own parameters are used (as stored, so a regulering in 2027 of a grant made
    in 2024 uses the 2024 rates), except G. Raises `NotRegulable` when the record was made
    by another version of the rule logic or lacks a parameter."""
    ruleset = ruleset or default_ruleset()
    return recompute(record, g_change(g_from, ruleset), ruleset)


def recompute(record: DecisionRecord, change: Change, ruleset: Ruleset | None = None) -> Regulated:
    """The grant of `record` with the parameters `change` replaces, every other parameter as
    the record stored it (`old_g`/`new_g` of the result: G before and after, the same when
    the change does not replace G)."""
    ruleset = ruleset or default_ruleset()
    old = next((p.value for p in record.parameters if p.name == G), None)
    replaced_g = next((p.value for p in change.replaced if p.name == G), old)
    if not change.reaches(record.benefit):
        return Regulated("not_regulated", None, old or 0.0, replaced_g or 0.0)
    if record.outcome.value != "granted":
        raise NotRegulable(f"only a granted grant is regulated, not one {record.outcome.value}")
    if record.rules_logic_version != RULES_VERSION:
        raise NotRegulable(f"the grant was made by rule logic {record.rules_logic_version}")
    stored_names = {p.name for p in record.parameters}
    missing = sorted(change.names - stored_names)
    if change.is_g_regulering and missing:
        raise NotRegulable("the grant's record has no G")
    if missing and not (change.names & stored_names):
        return Regulated("not_regulated", None, old or 0.0, replaced_g or 0.0)
    regulated = regulated_record(record, change.replaced, version_of(change, ruleset))
    new_value = replaced_g if replaced_g is not None else 0.0
    if regulated.outcome.value != "granted":
        return Regulated("outcome_changed", regulated, old or 0.0, new_value)
    if dict(regulated.amounts) == dict(record.amounts):
        return Regulated("unchanged", regulated, old or 0.0, new_value)
    return Regulated("regulated", regulated, old or 0.0, new_value)


def version_of(change: Change, ruleset: Ruleset | None = None) -> str:
    """The ruleset version a recomputed record names: the installed rules and parameter
    files, and the change (`+G<date>` for a G-regulering, `+P<date>` for another)."""
    ruleset = ruleset or default_ruleset()
    mark = "G" if change.is_g_regulering else "P"
    return f"{ruleset.version}+{mark}{change.effective_from.isoformat()}"


def regulated_record(
    record: DecisionRecord,
    new: UsedParameter | Sequence[UsedParameter],
    ruleset_version: str,
) -> DecisionRecord:
    """The record's grant assessed again with `new` (G, or the parameters a change replaces):
    its own facts, date and every other parameter as it stored them (pure; `recompute` and
    `expand` both come here)."""
    benefit = benefit_by_id(record.benefit)
    replaced = (new,) if isinstance(new, UsedParameter) else tuple(new)
    try:
        params = with_parameters(stored_params(record), record.benefit, replaced)
    except ValueError as error:
        raise NotRegulable(f"the grant's record cannot be read: {error}") from None
    again = _evaluate(benefit, dict(record.input_facts), record.at, params)
    return dataclasses.replace(
        record,
        outcome=again["outcome"],
        names=again["names"],
        rules=again["rules"],
        amounts=again["amounts"],
        parameters=tuple(_used_parameters(benefit, params)),
        ruleset_version=ruleset_version,
        texts_digest=texts_digest(benefit.id),
        frozen_explanations={},
    )


# --- The compact record of a regulated grant ---------------------------------------------

COMPACT_FORMAT = "trygd.regulated/1"
"""A regulated (or otherwise recomputed) grant's decision record as stored: the record it
regulates (`base`, always a whole `trygd.decision/1` record, never another compact one), the
parameters that replace the base's (`replaced`: the new G, a corrected rate; `g` repeats the
G when it is among them, as the first compact records had only that), and what the grant
decided (outcome, amounts) with the input facts (which the payment plan reads). The whole
record is `regulated_record(base, replaced, ruleset_version)`: the rules run again on the
base's facts, date and parameters with these values, so nothing of it is lost; a regulering
of a million grants writes some 1.5 kB per grant instead of 30 kB (the base's parameter
tables and explanation values are not repeated)."""


def _encoded(parameter: UsedParameter) -> Any:
    return encode(
        {
            "name": parameter.name,
            "value": parameter.value,
            "valid_from": parameter.valid_from,
            "unit": parameter.unit,
            "legal_basis": parameter.legal_basis,
            "source": parameter.source,
            "status": parameter.status,
        }
    )


def _decoded_parameter(encoded: Any) -> UsedParameter:
    p = decode(encoded)
    return UsedParameter(
        p["name"],
        p["value"],
        p["valid_from"],
        p["unit"],
        p["legal_basis"],
        p["source"],
        p["status"],
    )


def _as_tuple(new: UsedParameter | Sequence[UsedParameter]) -> tuple[UsedParameter, ...]:
    return (new,) if isinstance(new, UsedParameter) else tuple(new)


def _merged(base: Mapping[str, Any], new: tuple[UsedParameter, ...]) -> tuple[UsedParameter, ...]:
    """What replaces the base record's parameters after `new`: those the record in force
    (`base`, when compact) replaced already, with `new` in place of the same names."""
    prior = compact_replaced(base) if base.get("format") == COMPACT_FORMAT else ()
    by_name = {p.name: p for p in prior}
    by_name.update({p.name: p for p in new})
    return tuple(by_name.values())


def _plain_amounts(amounts: Mapping[str, Any]) -> dict[str, Any]:
    plain = (float, int, bool, str)
    return {
        name: value
        if type(value) in plain and (type(value) is not float or math.isfinite(value))
        else encode(value)
        for name, value in amounts.items()
    }


def compact(
    base_id: str,
    base: Mapping[str, Any],
    amounts: Mapping[str, Any],
    new: UsedParameter | Sequence[UsedParameter],
    ruleset_version: str,
) -> dict[str, Any]:
    """The compact record (JSON) of a regulated grant. `base` is the JSON of the record in
    force (whole or compact: its facts, date, versions and replaced parameters are the
    base's); `new` the G or the parameters the change replaces; `amounts` the grant's new
    amounts (record values: dates as dates)."""
    replaced = _merged(base, _as_tuple(new))
    g = next((p for p in replaced if p.name == G), None)
    return _document(
        base_id,
        base,
        ruleset_version,
        [_encoded(p) for p in replaced],
        _encoded(g) if g is not None else None,
        encode(dict(amounts)),
    )


def _document(
    base_id: str,
    base: Mapping[str, Any],
    ruleset_version: str,
    replaced: list[Any],
    g: Any,
    amounts: Any,
) -> dict[str, Any]:
    """The compact record's JSON from its parts already encoded (`compact` and `Compact`
    encode them each their own way)."""
    document = {
        "format": COMPACT_FORMAT,
        "base": base_id,
        "benefit": base["benefit"],
        "at": base["at"],
        "outcome": "granted",
        "rules_logic_version": base["rules_logic_version"],
        "base_ruleset_version": base.get("base_ruleset_version", base["ruleset_version"]),
        "ruleset_version": ruleset_version,
        "texts_digest": texts_digest(base["benefit"]),
        "replaced": replaced,
        "input_facts": base["input_facts"],
        "amounts": amounts,
    }
    if g is not None:
        document["g"] = g
    return document


class Compact:
    """`compact` for many grants recomputed with the same change: the JSON written at once
    (bytes), the parts that are the same for every grant encoded once."""

    def __init__(self, new: UsedParameter | Sequence[UsedParameter], ruleset_version: str) -> None:
        self._new = _as_tuple(new)
        self._names = {p.name for p in self._new}
        self._replaced = [_encoded(p) for p in self._new]
        g = next((p for p in self._new if p.name == G), None)
        self._g = _encoded(g) if g is not None else None
        self._version = ruleset_version

    def document(self, base_id: str, base: Mapping[str, Any], amounts: Mapping[str, Any]) -> bytes:
        """The same JSON as `compact(base_id, base, amounts, new, ruleset_version)`."""
        replaced, g = self._replaced, self._g
        if base.get("format") == COMPACT_FORMAT:
            prior = compact_replaced(base)
            if not {p.name for p in prior} <= self._names:
                merged = _merged(base, self._new)
                replaced = [_encoded(p) for p in merged]
                found = next((p for p in merged if p.name == G), None)
                g = _encoded(found) if found is not None else None
        document = _document(base_id, base, self._version, replaced, g, _plain_amounts(amounts))
        return orjson.dumps(document)


def compact_replaced(document: Mapping[str, Any]) -> tuple[UsedParameter, ...]:
    """The parameters a compact record replaces in its base (the first compact records
    named only G, under `g`)."""
    if "replaced" in document:
        return tuple(_decoded_parameter(p) for p in document["replaced"])
    return (_decoded_parameter(document["g"]),)


def compact_g(document: Mapping[str, Any]) -> UsedParameter | None:
    """The G a compact record names (None when it replaced other parameters only)."""
    return next((p for p in compact_replaced(document) if p.name == G), None)


def expand(base: DecisionRecord, document: Mapping[str, Any]) -> DecisionRecord:
    """The whole record of a compact one, from its base record. The amounts are those the
    compact record stored (what was decided); when the installed rule logic is not the one
    the base was made by, the rules are not run again: the base's record with the replaced
    parameters and the stored amounts stands in (its explanation then shows the old
    intermediate values)."""
    replaced = compact_replaced(document)
    amounts = decode(document["amounts"])
    if base.rules_logic_version == RULES_VERSION:
        record = regulated_record(base, replaced, document["ruleset_version"])
        if dict(record.amounts) == amounts:
            return record
    by_name = {p.name: p for p in replaced}
    parameters = tuple(
        dataclasses.replace(
            p,
            value=by_name[p.name].value,
            valid_from=by_name[p.name].valid_from,
            source=by_name[p.name].source,
            status=by_name[p.name].status,
        )
        if p.name in by_name
        else p
        for p in base.parameters
    )
    return dataclasses.replace(
        base,
        amounts=amounts,
        names={**base.names, **amounts},
        parameters=parameters,
        ruleset_version=document["ruleset_version"],
        frozen_explanations={},
    )


# --- Many grants at once -------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    """What the columnar regulering reads of one stored grant (no names, rules or
    parameters: those are the group's)."""

    input_facts: Mapping[str, Any]
    at: dt.date
    amounts: Mapping[str, Any]


@dataclass(frozen=True)
class Outcome:
    """What the new G does to one grant, as `regulate` would say, without the new record:
    `amounts` are the new amounts when the verdict is `regulated` or `unchanged`."""

    verdict: Verdict
    amounts: Mapping[str, Any] | None
    annual_before: Any
    annual_after: Any
    """The yearly amount (`Benefit.annual_amount`) with the old G and the new (None when the
    grant would not be granted)."""


def regulate_many(
    benefit_id: str,
    params: Params,
    grants: Sequence[Grant],
    new: UsedParameter | Sequence[UsedParameter],
) -> list[Outcome | None]:
    """`regulate` (or `recompute`, when `new` is the parameters of a change) for many grants
    of one benefit whose records stored the same parameters (`params`, with the G they used),
    with the population path's column-wise evaluation
    (`evaluate_many`), one evaluation per date of assessment.

    The result per grant is exactly what `regulate` gives (same verdict, the same amounts
    to the bit: a property test checks it), or None where this path cannot be sure of it:
    the grant's stored outcome or amounts are not what the columns give with its own G
    (another parameter than the group's, a type the columns changed), or an amount is not a
    calculation. The caller then regulates that grant with `regulate`."""
    benefit = benefit_by_id(benefit_id)
    new_params = with_parameters(params, benefit_id, _as_tuple(new))
    results: list[Outcome | None] = [None] * len(grants)
    by_day: dict[dt.date, list[int]] = {}
    for index, grant in enumerate(grants):
        by_day.setdefault(grant.at, []).append(index)
    for at, indices in by_day.items():
        chosen = [grants[i] for i in indices]
        old = _columns_evaluated(benefit, chosen, at, params)
        again = _columns_evaluated(benefit, chosen, at, new_params)
        if old is None or again is None:
            continue
        old_granted, old_amounts, old_annual = old
        new_granted, new_amounts, new_annual = again
        for position, index in enumerate(indices):
            stored = grants[index].amounts
            before = {name: values[position] for name, values in old_amounts.items()}
            if not old_granted[position] or not _same(before, stored):
                continue
            if not new_granted[position]:
                results[index] = Outcome("outcome_changed", None, old_annual[position], None)
                continue
            after = {name: values[position] for name, values in new_amounts.items()}
            verdict: Verdict = "unchanged" if _same(after, stored) else "regulated"
            results[index] = Outcome(verdict, after, old_annual[position], new_annual[position])
    return results


def _columns_evaluated(
    benefit: Benefit, grants: Sequence[Grant], at: dt.date, params: Params
) -> tuple[list[bool], dict[str, list[Any]], list[Any]] | None:
    """Granted or not, the amounts (record values) and the yearly amount of each grant,
    evaluated as columns."""
    derived = [derived_facts(benefit, dict(g.input_facts), at, params) for g in grants]
    columns: dict[str, np.ndarray] = {}
    known: dict[str, np.ndarray] = {}
    for fact in benefit.facts:
        values = [facts.get(fact.name) for facts in derived]
        present = [value is not None for value in values]
        if not all(present):
            stand_in = _STAND_IN.get(fact.kind, 0)
            values = [stand_in if value is None else value for value in values]
            known[fact.name] = np.array(present, dtype=bool)
        try:
            if fact.kind == "date":
                columns[fact.name] = np.array(
                    [at if v is _DAY else v for v in values], dtype="datetime64[D]"
                )
            else:
                columns[fact.name] = np.array(values)
        except (TypeError, ValueError):
            return None
        if columns[fact.name].dtype == object:
            return None  # lists or mixed values: not a column the rules can read
    evaluation = evaluate_many(benefit, columns, params, at, known or None)
    if any(name not in evaluation.values for name in (*benefit.amounts, benefit.annual_amount)):
        return None
    granted = (evaluation.outcome == DeclaredOutcome.GRANTED.code).tolist()
    amounts = {name: evaluation.values[name].tolist() for name in benefit.amounts}
    return granted, amounts, evaluation.values[benefit.annual_amount].tolist()


_DAY = object()
"""Stands in for a missing date (the date of assessment: any real date will do, as the
rules do not read a value where the fact is marked unknown)."""
_STAND_IN: dict[str, Any] = {"date": _DAY, "bool": False}


def _same(values: Mapping[str, Any], stored: Mapping[str, Any]) -> bool:
    """The same amounts to the bit and of the same JSON type (a float 1.0 is not an int 1,
    NaN equals NaN)."""
    if values.keys() != stored.keys():
        return False
    for name, value in values.items():
        other = stored[name]
        if type(value) is not type(other):
            return False
        if value != other and not (
            isinstance(value, float) and math.isnan(value) and math.isnan(other)
        ):
            return False
    return True
