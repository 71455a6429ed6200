"""A synthetic population with plausible facts for every benefit, as NumPy columns.

The persons are invented, so simulations can be shared freely. Each person has one income
level that drives all income facts, so a person's 12-month, 36-month and yearly incomes agree
with each other. Facts with the same name (birth date, children) are shared by all benefits.
The generator is seeded: the same seed gives the same population.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np

from trygd.rules.declarations import Benefit, Fact

Columns = dict[str, np.ndarray]


def _income_level(rng: np.random.Generator, size: int) -> np.ndarray:
    """Yearly income: log-normal around 480 000 kr, with one in ten persons without income."""
    level = rng.lognormal(mean=np.log(480_000), sigma=0.55, size=size)
    return np.where(rng.random(size) < 0.1, 0.0, np.round(level, -2))


def generate(benefits: Iterable[Benefit], size: int, at: dt.date, seed: int) -> Columns:
    """Columns for every fact that the given benefits declare."""
    rng = np.random.default_rng(seed)
    at_day = np.datetime64(at, "D")
    level = _income_level(rng, size)
    columns: Columns = {}
    for benefit in benefits:
        for fact in benefit.facts:
            if fact.name not in columns:
                columns[fact.name] = _column(fact, rng, size, at, at_day, level, columns)
    return columns


def _column(
    fact: Fact,
    rng: np.random.Generator,
    size: int,
    at: dt.date,
    at_day: np.datetime64,
    level: np.ndarray,
    columns: Columns,
) -> np.ndarray:
    name = fact.name
    noise = rng.uniform(0.85, 1.15, size)
    special = _uforetrygd_column(name, rng, size, level, noise, columns)
    if special is not None:
        return special
    if fact.kind == "date":
        if name == "birth_date":
            age_days = rng.integers(16 * 365, 76 * 365, size)
            return at_day - age_days.astype("timedelta64[D]")
        birth = columns.get("birth_date")
        earliest: np.ndarray = np.full(size, at_day - np.timedelta64(6 * 365, "D"))
        if birth is not None:
            earliest = np.maximum(earliest, birth + np.timedelta64(15 * 365, "D"))
        span = np.maximum((at_day - earliest).astype(np.int64), 0)
        dates: np.ndarray = at_day - (rng.random(size) * span).astype("timedelta64[D]")
        return dates
    if fact.kind == "bool":
        rare = ("self_inflicted", "occupational_injury", "received_aap", "ung_ufor")
        share = 0.08 if any(word in name for word in rare) else 0.9
        return rng.random(size) < share
    if fact.kind == "money":
        # A 36-month total is three years' income; dagpenger's indexed periods
        # (indexed_income_1_12m, _13_24m, _25_36m) are one year each.
        multiple = 3.0 if name.endswith("36m") and not name.startswith("indexed_") else 1.0
        return np.round(level * noise * multiple, -2)
    if fact.kind == "percent":
        return np.round(rng.uniform(0, 100, size))
    if fact.kind == "hours":
        if "normal" in name:
            return rng.choice(np.array([37.5, 37.5, 40.0, 20.0, 45.0]), size)
        return np.round(rng.uniform(0, 40, size) * (rng.random(size) < 0.5), 1)
    if fact.kind == "years":
        if name.endswith("_year"):
            return np.full(size, at.year - 1, dtype=np.int64) - rng.integers(0, 4, size)
        return rng.integers(0, 45, size).astype(np.int64)
    if fact.kind == "days":
        return rng.integers(0, 400, size).astype(np.int64)
    if fact.kind == "count":
        return np.minimum(rng.poisson(0.8, size), 8).astype(np.int64)
    raise ValueError(f"cannot generate the fact {name!r} of kind {fact.kind!r}")


def _uforetrygd_column(
    name: str,
    rng: np.random.Generator,
    size: int,
    level: np.ndarray,
    noise: np.ndarray,
    columns: Columns,
) -> np.ndarray | None:
    """Uføretrygd's facts about income while disabled and the family, made to fit together:
    four in ten work, about as much as the earning capacity left and some a little more (so
    some lose uføretrygd to § 12-14), most have no other income, most have full trygdetid,
    and the children living with both parents are some of the children. None for every
    other fact."""
    if name == "income_before_uforhet":
        before: np.ndarray = np.round(np.maximum(level, 200_000) * noise, -2)
        return before
    if name == "expected_income":
        before = columns.get("income_before_uforhet", np.round(level, -2))
        reduction = columns.get("earning_capacity_reduction", np.full(size, 100.0))
        works = rng.random(size) < 0.4
        extra = rng.uniform(0, 0.25, size)  # some earn more than the capacity left
        return np.round(before * ((100 - reduction) / 100 + extra) * works, -2)
    if name in ("other_income", "other_parent_pension"):
        return np.round(rng.lognormal(np.log(80_000), 0.6, size) * (rng.random(size) < 0.15), -2)
    if name == "other_parent_income":
        return np.round(rng.lognormal(np.log(450_000), 0.5, size) * (rng.random(size) < 0.8), -2)
    if name == "trygdetid_years":
        return np.where(rng.random(size) < 0.85, 40, rng.integers(5, 40, size)).astype(np.int64)
    if name == "children_with_both_parents":
        children = columns.get("children")
        if children is None:
            return np.zeros(size, dtype=np.int64)
        return rng.binomial(children, 0.6).astype(np.int64)
    return None
