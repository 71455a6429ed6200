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
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Literal

from trygd.rules.assessment import RULES_VERSION, Ruleset, benefit_by_id, default_ruleset
from trygd.rules.benefits import PROFILES
from trygd.rules.parameters import Params, UsedParameter
from trygd.rules.record import (
    DecisionRecord,
    _evaluate,
    _used_parameters,
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


def regulate(record: DecisionRecord, g_from: dt.date, ruleset: Ruleset | None = None) -> Regulated:
    """The grant of `record` with the G in force on `g_from`.

    The record's own parameters are used (as stored, so a regulering in 2027 of a grant made
    in 2024 uses the 2024 rates), except G. Raises `NotRegulable` when the record was made
    by another version of the rule logic or lacks a parameter."""
    ruleset = ruleset or default_ruleset()
    profile = PROFILES[record.benefit]
    benefit = benefit_by_id(record.benefit)
    shorts = tuple(short for short, full in benefit.parameters.items() if full == G)
    old = next((p.value for p in record.parameters if p.name == G), None)
    new_value = ruleset.parameters[G].value_at(g_from)
    new = UsedParameter(
        G,
        new_value.value,
        new_value.start,
        ruleset.parameters[G].unit,
        ruleset.parameters[G].legal_basis,
        new_value.source,
        new_value.status,
    )
    if profile.regulation is None or not profile.regulation.regulated or not shorts:
        return Regulated("not_regulated", None, old or 0.0, new.value)
    if record.outcome.value != "granted":
        raise NotRegulable(f"only a granted grant is regulated, not one {record.outcome.value}")
    if record.rules_logic_version != RULES_VERSION:
        raise NotRegulable(f"the grant was made by rule logic {record.rules_logic_version}")
    if old is None:
        raise NotRegulable("the grant's record has no G")
    try:
        params = _with_g(stored_params(record), shorts, new)
    except ValueError as error:
        raise NotRegulable(f"the grant's record cannot be read: {error}") from None
    again = _evaluate(benefit, dict(record.input_facts), record.at, params)
    regulated = dataclasses.replace(
        record,
        outcome=again["outcome"],
        names=again["names"],
        rules=again["rules"],
        amounts=again["amounts"],
        parameters=tuple(_used_parameters(benefit, params)),
        ruleset_version=f"{ruleset.version}+G{new.valid_from.isoformat()}",
        texts_digest=texts_digest(benefit.id),
        frozen_explanations={},
    )
    if again["outcome"].value != "granted":
        return Regulated("outcome_changed", regulated, old, new.value)
    if dict(again["amounts"]) == dict(record.amounts):
        return Regulated("unchanged", regulated, old, new.value)
    return Regulated("regulated", regulated, old, new.value)
