"""The decision record: what the rules decided, stored once, explained in any language later.

A `DecisionRecord` holds everything a rule result rests on, in no language: the input facts
(before `Benefit.derive`, so the case can be replayed), the date, every parameter value used
(by-year tables and histories whole, so a replay needs no parameter files), the status and
value of each rule with the intermediate values it computed, and the amounts. It also holds
every name the text templates may refer to, so that `explain` renders the explanation in
bokmål, nynorsk or English from the record alone: a reader sees the figures that were
decided, not those of today's parameters. Records never change; a new run of the rules makes
a new record.

`evaluate_record` makes a record and `explain` renders one (both pure); `assess` in
`trygd.rules.assessment` is the two in a row. `replay` runs a stored record again with the
installed rule code and its own stored parameters and lists what came out differently.

JSON form (`to_json`/`from_json`, format "trygd.decision/1"): plain JSON, except that a date
is written as `{"$date": "2026-01-31"}` and a float that JSON cannot hold (NaN, infinity) as
`{"$float": "nan"}`. Other floats are written exactly (Python writes the shortest text that
reads back as the same float) and never rounded; numpy scalars are turned into Python ones
when the record is made. Tuples become lists, also when the record is made, so that a record
compares equal to itself after a round trip.

Records converted from results stored before this format (migration 0008) lack some names;
they keep the bokmål explanation the person received in `frozen_explanations`, which `explain`
prefers for that language, and falls back to rule by rule where a name is missing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from trygd.rules.assessment import (
    RULES_VERSION,
    Assessment,
    RuleResult,
    Ruleset,
    benefit_by_id,
    default_ruleset,
)
from trygd.rules.declarations import Benefit, Outcome, Status
from trygd.rules.evaluation import evaluate_one
from trygd.rules.formatting import LANGUAGES, render
from trygd.rules.parameters import (
    DatedValue,
    History,
    Parameter,
    Params,
    UsedParameter,
    YearTable,
)
from trygd.rules.texts import catalogue

FORMAT = "trygd.decision/1"

STATUS_LABELS = ("met", "not_met", "undetermined", "determined")


@dataclass(frozen=True)
class YearValue:
    """One year's value of a by-year parameter (such as the yearly average of G)."""

    year: int
    value: float
    source: str
    status: str


@dataclass(frozen=True)
class HistoryValue:
    """One value of a parameter stored whole (`Benefit.histories`), from the day it took
    effect."""

    start: dt.date
    value: float
    source: str
    status: str


@dataclass(frozen=True)
class RecordParameter:
    """A parameter as one decision used it, under its full name and the benefit's short name.

    A scalar parameter has `value` and `valid_from`; a by-year parameter has `years` (the
    whole table as it was, so that a replay can look up any year the rules asked for); a
    history (`Benefit.histories`) has `history`, every dated value as it was."""

    name: str
    short: str
    unit: str
    legal_basis: str
    value: float | None = None
    valid_from: dt.date | None = None
    source: str = ""
    status: str = "confirmed"
    years: tuple[YearValue, ...] = ()
    history: tuple[HistoryValue, ...] = ()


@dataclass(frozen=True)
class RecordRule:
    """What one rule did: its status, its value and the intermediate values it computed."""

    id: str
    kind: str
    legal_basis: str
    status: str
    value: Any
    computed: Mapping[str, Any]
    missing_facts: tuple[str, ...]
    facts_used: tuple[str, ...]
    not_needed: tuple[str, ...] = ()
    """Missing facts the rule was decided without (one side of an "or" met, one side of an
    "and" not met). In the JSON only when there are any, so records from before read and
    write as they were."""


@dataclass(frozen=True)
class DecisionRecord:
    """A rule result in no language, complete enough to explain and to replay it.

    The mappings are never changed after the record is made (the dataclass is frozen; the
    mappings are plain dicts so that the record stays simple to encode)."""

    benefit: str
    chapter: str
    at: dt.date
    outcome: Outcome
    rules_logic_version: str
    ruleset_version: str
    texts_digest: str
    input_facts: Mapping[str, Any]
    names: Mapping[str, Any]
    """Every name a text template may use: facts (derived), scalar parameters under their
    short names, and every computed value (rule results and intermediates)."""
    rules: tuple[RecordRule, ...]
    amounts: Mapping[str, Any]
    parameters: tuple[RecordParameter, ...]
    stale: tuple[str, ...]
    frozen_explanations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Explanations as once given (format trygd.assessment/1) by language: only in records
    converted from results stored before this format."""

    def to_json(self) -> dict[str, Any]:
        """The record as a JSON value (see the module docstring for dates and floats)."""
        document: dict[str, Any] = {
            "format": FORMAT,
            "benefit": self.benefit,
            "chapter": self.chapter,
            "at": self.at,
            "outcome": self.outcome.value,
            "rules_logic_version": self.rules_logic_version,
            "ruleset_version": self.ruleset_version,
            "texts_digest": self.texts_digest,
            "input_facts": dict(self.input_facts),
            "names": dict(self.names),
            "rules": [_rule_json(r) for r in self.rules],
            "amounts": dict(self.amounts),
            "parameters": [_parameter_json(p) for p in self.parameters],
            "stale": list(self.stale),
        }
        encoded: dict[str, Any] = encode(document)
        if self.frozen_explanations:
            # Already JSON as once stored; kept exactly as it is (dates stay ISO text).
            encoded["frozen_explanations"] = {
                k: dict(v) for k, v in self.frozen_explanations.items()
            }
        return encoded

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> DecisionRecord:
        if document.get("format") != FORMAT:
            raise ValueError(f"not a decision record: format {document.get('format')!r}")
        frozen = document.get("frozen_explanations") or {}
        d = decode({k: v for k, v in document.items() if k != "frozen_explanations"})
        return cls(
            benefit=d["benefit"],
            chapter=d["chapter"],
            at=d["at"],
            outcome=Outcome(d["outcome"]),
            rules_logic_version=d["rules_logic_version"],
            ruleset_version=d["ruleset_version"],
            texts_digest=d["texts_digest"],
            input_facts=d["input_facts"],
            names=d["names"],
            rules=tuple(
                RecordRule(
                    id=r["id"],
                    kind=r["kind"],
                    legal_basis=r["legal_basis"],
                    status=r["status"],
                    value=r["value"],
                    computed=r["computed"],
                    missing_facts=tuple(r["missing_facts"]),
                    facts_used=tuple(r["facts_used"]),
                    not_needed=tuple(r.get("not_needed", ())),
                )
                for r in d["rules"]
            ),
            amounts=d["amounts"],
            parameters=tuple(_parameter_from_json(p) for p in d["parameters"]),
            stale=tuple(d["stale"]),
            frozen_explanations={k: dict(v) for k, v in frozen.items()},
        )


def _rule_json(r: RecordRule) -> dict[str, Any]:
    entry = {
        "id": r.id,
        "kind": r.kind,
        "legal_basis": r.legal_basis,
        "status": r.status,
        "value": r.value,
        "computed": dict(r.computed),
        "missing_facts": list(r.missing_facts),
        "facts_used": list(r.facts_used),
    }
    if r.not_needed:
        entry["not_needed"] = list(r.not_needed)
    return entry


def _parameter_json(p: RecordParameter) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": p.name,
        "short": p.short,
        "unit": p.unit,
        "legal_basis": p.legal_basis,
    }
    if p.years:
        # Compact: [year, value, i] with i indexing the distinct (source, status) pairs, as a
        # table of G since 1967 repeats one source fifty times.
        origins = list(dict.fromkeys((y.source, y.status) for y in p.years))
        entry["origins"] = [list(o) for o in origins]
        entry["years"] = [[y.year, y.value, origins.index((y.source, y.status))] for y in p.years]
    elif p.history:
        # As compact as `years`: [from, value, i].
        origins = list(dict.fromkeys((h.source, h.status) for h in p.history))
        entry["origins"] = [list(o) for o in origins]
        entry["history"] = [
            [h.start, h.value, origins.index((h.source, h.status))] for h in p.history
        ]
    else:
        entry.update(value=p.value, valid_from=p.valid_from, source=p.source, status=p.status)
    return entry


def _parameter_from_json(p: Mapping[str, Any]) -> RecordParameter:
    return RecordParameter(
        name=p["name"],
        short=p["short"],
        unit=p["unit"],
        legal_basis=p["legal_basis"],
        value=p.get("value"),
        valid_from=p.get("valid_from"),
        source=p.get("source", ""),
        status=p.get("status", "confirmed"),
        years=tuple(
            YearValue(year, value, *p["origins"][i]) for year, value, i in p.get("years", ())
        ),
        history=tuple(
            HistoryValue(start, value, *p["origins"][i]) for start, value, i in p.get("history", ())
        ),
    )


def plain(value: Any) -> Any:
    """A value as the record holds it: Python scalars, dates, lists and dicts only."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, np.datetime64):  # pragma: no cover - .item() turns a day into a date
        value = value.astype("datetime64[D]").item()
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, dt.datetime):
        raise TypeError("a decision record holds dates, not points in time")
    return value


def encode(value: Any) -> Any:
    """A record value as JSON: dates and non-finite floats tagged, everything else as is."""
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, float) and not math.isfinite(value):
        return {"$float": repr(value)}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


_LEAVES = frozenset({int, float, str, bool, type(None)})
"""JSON's scalar types: `decode` gives them back as they are without a call per value (a
record's facts and amounts are mostly these; a bulk regulering decodes millions)."""


def decode(value: Any) -> Any:
    """A record value from its JSON (`encode`'s inverse)."""
    if isinstance(value, list):
        return [v if type(v) in _LEAVES else decode(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1 and "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        if len(value) == 1 and "$float" in value:
            return float(value["$float"])
        return {k: v if type(v) in _LEAVES else decode(v) for k, v in value.items()}
    return value


@cache
def texts_digest(benefit_id: str) -> str:
    """A digest of the text catalogues an explanation of `benefit_id` is rendered from."""
    digest = hashlib.sha256()
    for name in (benefit_id, "common"):
        entry = resources.files("trygd.rules") / "texts" / f"{name}.toml"
        digest.update(name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()[:12]


def derived_facts(benefit: Benefit, facts: dict[str, Any], at: dt.date, params: Params) -> Any:
    """The flat facts the rules read, from the input facts. The one place `derive` is called
    (`params` are the parameters resolved for the decision, so a reform reaches derived facts)."""
    if benefit.derive is None:
        return facts
    return benefit.derive(facts, at, params)


def evaluate_record(
    benefit_id: str,
    facts: dict[str, Any],
    at: dt.date,
    ruleset: Ruleset | None = None,
) -> DecisionRecord:
    """Evaluate one application for `benefit_id` on `at` and record the result."""
    ruleset = ruleset or default_ruleset()
    benefit = benefit_by_id(benefit_id)
    params = ruleset.params(benefit, at)
    record = _evaluate(benefit, facts, at, params)
    parameters = tuple(_used_parameters(benefit, params))
    return DecisionRecord(
        **record,
        rules_logic_version=RULES_VERSION,
        ruleset_version=ruleset.version,
        texts_digest=texts_digest(benefit.id),
        parameters=parameters,
        stale=params.stale,
    )


def _evaluate(
    benefit: Benefit, facts: dict[str, Any], at: dt.date, params: Params
) -> dict[str, Any]:
    """The parts of a record that come from running the rules (shared by replay)."""
    input_facts = {name: plain(value) for name, value in facts.items()}
    evaluation = evaluate_one(benefit, derived_facts(benefit, facts, at, params), params, at)
    names: dict[str, Any] = {k: plain(v) for k, v in vars(evaluation.facts).items()}
    for short in benefit.parameters:
        value = getattr(params, short)
        if not isinstance(value, YearTable | History):
            names[short] = plain(value)
    names.update((k, plain(v)) for k, v in vars(evaluation.values).items() if k != "explaining")
    rules = []
    for e in evaluation.rules:
        rule = e.rule
        if e.status is Status.UNDETERMINED:
            status = "undetermined"
        elif rule.kind == "condition":
            status = e.status.label
        else:
            status = "determined"
        rules.append(
            RecordRule(
                id=rule.id,
                kind=rule.kind,
                legal_basis=rule.legal_basis,
                status=status,
                value=None if e.status is Status.UNDETERMINED else plain(e.value),
                computed={k: plain(v) for k, v in e.computed.items()},
                missing_facts=e.missing,
                facts_used=tuple(n for n in rule.needs if n in benefit.fact_names),
                not_needed=e.not_needed,
            )
        )
    return {
        "benefit": benefit.id,
        "chapter": benefit.chapter,
        "at": at,
        "outcome": evaluation.outcome,
        "input_facts": input_facts,
        "names": names,
        "rules": tuple(rules),
        "amounts": {name: plain(getattr(evaluation.values, name)) for name in benefit.amounts},
    }


def _used_parameters(benefit: Benefit, params: Params) -> list[RecordParameter]:
    used = {p.name: p for p in params.used}
    found: list[RecordParameter] = []
    for short, full in benefit.parameters.items():
        value = getattr(params, short)
        if isinstance(value, YearTable):
            parameter = value.parameter
            found.append(
                RecordParameter(
                    name=full,
                    short=short,
                    unit=parameter.unit,
                    legal_basis=parameter.legal_basis,
                    years=tuple(
                        YearValue(v.start.year, v.value, v.source, v.status)
                        for v in parameter.values
                    ),
                )
            )
            continue
        u = used[full]
        found.append(
            RecordParameter(
                name=full,
                short=short,
                unit=u.unit,
                legal_basis=u.legal_basis,
                # Not in force on the date: no value, but the day it stopped and the source.
                value=u.value if u.in_force else None,
                valid_from=u.valid_from,
                source=u.source,
                status=u.status,
            )
        )
    for short, full in benefit.histories.items():
        parameter = getattr(params, short).parameter
        found.append(
            RecordParameter(
                name=full,
                short=short,
                unit=parameter.unit,
                legal_basis=parameter.legal_basis,
                history=tuple(
                    HistoryValue(v.start, v.value, v.source, v.status) for v in parameter.values
                ),
            )
        )
    return found


# --- Explaining -------------------------------------------------------------------------


def explain(record: DecisionRecord, language: str) -> Assessment:
    """The record explained in `language`, from the record alone (pure: no rules are run and
    no parameters read; only the text catalogues)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    frozen = record.frozen_explanations.get(language)
    if frozen is not None:
        return _from_frozen(record, frozen)
    texts = catalogue(record.benefit)
    fallback = _frozen_rules(record)
    results = []
    for rule in record.rules:
        full_id = f"{record.benefit}.{rule.id}"
        try:
            explanation = _explanation(record, rule, language)
        except (KeyError, AttributeError, IndexError, TypeError, ValueError):
            # Only a converted record can lack a name its template needs: the explanation
            # then stays as it was once given.
            if full_id not in fallback:
                raise
            explanation = fallback[full_id]
        values = dict(rule.computed)
        if rule.status != "undetermined":
            values[rule.id] = rule.value
        results.append(
            RuleResult(
                id=full_id,
                kind=rule.kind,
                legal_basis=rule.legal_basis,
                title=texts.rule_text(rule.id, "title", language),
                status=rule.status,
                explanation=explanation,
                facts_used={n: record.names.get(n) for n in rule.facts_used},
                values=values,
                missing_facts=rule.missing_facts,
                not_needed=rule.not_needed,
            )
        )
    conditions = tuple(r for r in results if r.kind == "condition")
    calculations = tuple(r for r in results if r.kind == "calculation")
    warnings = tuple(
        render(
            texts.common_text("stale_parameter", language),
            {"name": name, "at": record.at},
            language,
        )
        for name in record.stale
    )
    return Assessment(
        benefit=record.benefit,
        chapter=record.chapter,
        at=record.at,
        language=language,
        outcome=record.outcome,
        summary=texts.common_text(f"outcome_{record.outcome.value}", language),
        failing_conditions=tuple(r.id for r in conditions if r.status == "not_met"),
        undetermined=tuple(r.id for r in results if r.status == "undetermined"),
        conditions=conditions,
        calculations=calculations,
        amounts=dict(record.amounts),
        parameters=tuple(
            UsedParameter(p.name, p.value, p.valid_from, p.unit, p.legal_basis, p.source, p.status)
            for p in record.parameters
            if not p.years and p.value is not None and p.valid_from is not None
        ),
        ruleset_version=record.ruleset_version,
        warnings=warnings,
    )


def _explanation(record: DecisionRecord, rule: RecordRule, language: str) -> str:
    texts = catalogue(record.benefit)
    if rule.status == "undetermined":
        labels = ", ".join(texts.fact_label(m, language) for m in rule.missing_facts)
        return render(texts.common_text("missing", language), {"missing": labels}, language)
    key = "text" if rule.kind == "calculation" else rule.status
    variant = rule.computed.get(f"{rule.id}_text")
    if variant is not None:
        key = f"{key}_{variant}"
    if not rule.not_needed:
        return render(texts.rule_text(rule.id, key, language), record.names, language)
    # Decided with facts missing: the rule's text for the side that decided it, then which
    # facts were not needed.
    template = texts.decided_without(rule.id, key, rule.not_needed, language)
    labels = texts.join(tuple(texts.fact_label(m, language) for m in rule.not_needed), language)
    not_needed = render(texts.common_text("not_needed", language), {"facts": labels}, language)
    return f"{render(template, record.names, language)} {not_needed}"


def _frozen_rules(record: DecisionRecord) -> dict[str, str]:
    """Rule id → explanation from any frozen explanation (bokmål first)."""
    found: dict[str, str] = {}
    for language in ("nb", *record.frozen_explanations):
        document = record.frozen_explanations.get(language)
        if not document:
            continue
        for r in (*document.get("conditions", ()), *document.get("calculations", ())):
            found.setdefault(r["id"], r["explanation"])
    return found


def _from_frozen(record: DecisionRecord, document: Mapping[str, Any]) -> Assessment:
    """The explanation as it was once stored; `to_dict` gives back the same document."""

    def rule(r: Mapping[str, Any], kind: str) -> RuleResult:
        return RuleResult(
            id=r["id"],
            kind=kind,
            legal_basis=r["legal_basis"],
            title=r["title"],
            status=r["status"],
            explanation=r["explanation"],
            facts_used=dict(r["facts_used"]),
            values=dict(r["values"]),
            missing_facts=tuple(r["missing_facts"]),
            not_needed=tuple(r.get("not_needed", ())),
        )

    return Assessment(
        benefit=document["benefit"],
        chapter=document["chapter"],
        at=dt.date.fromisoformat(document["at"]),
        language=document["language"],
        outcome=Outcome(document["outcome"]),
        summary=document["summary"],
        failing_conditions=tuple(document["failing_conditions"]),
        undetermined=tuple(document["undetermined"]),
        conditions=tuple(rule(r, "condition") for r in document["conditions"]),
        calculations=tuple(rule(r, "calculation") for r in document["calculations"]),
        amounts=dict(document["amounts"]),
        parameters=tuple(
            UsedParameter(
                p["name"],
                p["value"],
                dt.date.fromisoformat(p["valid_from"]),
                p["unit"],
                p["legal_basis"],
                p["source"],
                p["status"],
            )
            for p in document["parameters"]
        ),
        ruleset_version=document["ruleset_version"],
        warnings=tuple(document["warnings"]),
    )


# --- Replay -----------------------------------------------------------------------------


class NotInstalled(LookupError):
    """The record was made by a version of the rule logic that is not installed here."""

    def __init__(self, version: str) -> None:
        super().__init__(
            f"the rules logic version {version} is not installed (installed: {RULES_VERSION})"
        )
        self.version = version


class NotReplayable(ValueError):
    """The record lacks what a replay needs (a record converted from an older format)."""


@dataclass(frozen=True)
class Difference:
    """One thing that came out differently when the record was replayed."""

    what: str  # "outcome", "status", "value", "amount"
    name: str
    stored: Any
    replayed: Any

    def __str__(self) -> str:
        return f"{self.what} {self.name}: stored {self.stored!r}, replayed {self.replayed!r}"


def stored_params(record: DecisionRecord) -> Params:
    """The parameters as the record stored them, as the rules read them (no files needed)."""
    values: dict[str, Any] = {}
    used = []
    for p in record.parameters:
        if p.history:
            dated = tuple(DatedValue(h.start, h.value, h.source, h.status) for h in p.history)
            values[p.short] = History(Parameter(p.name, "", p.unit, p.legal_basis, dated))
        elif p.years:
            dated = tuple(
                DatedValue(dt.date(y.year, 1, 1), y.value, y.source, y.status) for y in p.years
            )
            parameter = Parameter(p.name, "", p.unit, p.legal_basis, dated, by_year=True)
            first = p.years[0].year
            table = np.full(p.years[-1].year - first + 1, np.nan)
            for y in p.years:
                table[y.year - first] = y.value
            values[p.short] = YearTable(parameter, first, table)
        else:
            if p.valid_from is None:
                raise NotReplayable(f"the record has no value of {p.name}")
            # A value None with its date: the parameter was not in force (DatedValue.in_force).
            in_force = p.value is not None
            values[p.short] = p.value
            used.append(
                UsedParameter(
                    p.name,
                    p.value if p.value is not None else math.nan,
                    p.valid_from,
                    p.unit,
                    p.legal_basis,
                    p.source,
                    p.status,
                    in_force,
                )
            )
    return Params(values, tuple(used), record.stale)


def replay(record: DecisionRecord) -> list[Difference]:
    """Run the stored input facts again on the stored date and parameters with the rule code
    installed now, and list every outcome, status, value and amount that differs.

    Raises `NotInstalled` when the record was made by another version of the rule logic (a
    replay would compare two different laws), and `NotReplayable` when the record lacks a
    parameter its rules need."""
    if record.rules_logic_version != RULES_VERSION:
        raise NotInstalled(record.rules_logic_version)
    benefit = benefit_by_id(record.benefit)
    params = stored_params(record)
    declared = (*benefit.parameters, *benefit.histories)
    missing = [short for short in declared if short not in vars(params)]
    if missing:
        raise NotReplayable(f"the record has no value of {', '.join(missing)}")
    facts = dict(record.input_facts)
    again = _evaluate(benefit, facts, record.at, params)
    legacy = bool(record.frozen_explanations)
    differences: list[Difference] = []

    def compare(what: str, name: str, stored: Any, replayed: Any) -> None:
        if legacy:  # stored rounded as the old format did
            stored, replayed = _rounded(stored), _rounded(replayed)
        if stored != replayed:
            differences.append(Difference(what, name, stored, replayed))

    compare("outcome", "outcome", record.outcome.value, again["outcome"].value)
    replayed_rules = {r.id: r for r in again["rules"]}
    for rule in record.rules:
        other = replayed_rules.get(rule.id)
        if other is None:
            differences.append(Difference("rule", rule.id, rule.status, None))
            continue
        compare("status", rule.id, rule.status, other.status)
        compare("value", rule.id, rule.value, other.value)
        for name, value in rule.computed.items():
            compare("value", f"{rule.id}.{name}", value, other.computed.get(name))
    for rule_id in replayed_rules.keys() - {r.id for r in record.rules}:
        differences.append(Difference("rule", rule_id, None, replayed_rules[rule_id].status))
    for name, value in record.amounts.items():
        compare("amount", name, value, again["amounts"].get(name))
    return differences


def _rounded(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value, 6)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def texts_changed(record: DecisionRecord) -> bool:
    """Whether the installed rule texts differ from those the record was explained with."""
    return bool(record.texts_digest) and record.texts_digest != texts_digest(record.benefit)
