"""Effective-dated legal parameters: G, rates, thresholds and amounts, each with its source.

The values live in TOML files beside this module (`parameters/<area>.toml`), one table per
parameter, so that a lawyer can check every number against its source and a reform can
replace a number without touching code. A value holds from its `from` date until the day
before the next value. Values that are renewed regularly (G each 1 May, child supplements
each 1 January) say until when they are known to hold; assessing a later date still works
but produces a warning that the value may be stale.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np

UNITS = frozenset(
    {
        "NOK",
        "NOK/day",
        "NOK/year",
        "G",
        "ratio",
        "factor",
        "years",
        "weeks",
        "months",
        "days",
        "hours/week",
        "count",
    }
)


class ParameterError(ValueError):
    """A parameter file or reform is malformed, or a value is not in force on a date."""


@dataclass(frozen=True)
class DatedValue:
    """One value of a parameter, from the day it takes effect, with where it comes from."""

    start: dt.date
    value: float
    source: str
    status: str
    note: str | None = None


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    unit: str
    legal_basis: str
    values: tuple[DatedValue, ...]
    known_until: dt.date | None = None
    by_year: bool = False
    _starts: tuple[dt.date, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(v.start for v in self.values))

    def value_at(self, when: dt.date) -> DatedValue:
        index = bisect_right(self._starts, when) - 1
        if index < 0:
            raise ParameterError(
                f"{self.name}: no value in force on {when.isoformat()} "
                f"(the first known value is from {self.values[0].start.isoformat()})"
            )
        return self.values[index]


@dataclass(frozen=True)
class YearTable:
    """A by-year parameter (such as the yearly average of G), usable on scalars and arrays."""

    parameter: Parameter
    first_year: int
    table: np.ndarray

    def lookup(self, year: Any) -> Any:
        """The value for a calendar year; an array of years gives an array of values."""
        if isinstance(year, np.ndarray):
            index = np.clip(year - self.first_year, 0, len(self.table) - 1)
            values = self.table[index]
            if np.any(np.isnan(values)) or np.any(year < self.first_year):
                raise ParameterError(f"{self.parameter.name}: a year in the data is not covered")
            return values
        offset = int(year) - self.first_year
        if offset < 0 or offset >= len(self.table) or np.isnan(self.table[offset]):
            raise ParameterError(f"{self.parameter.name}: no value for the year {year}")
        return float(self.table[offset])

    def has(self, year: int) -> bool:
        offset = year - self.first_year
        return 0 <= offset < len(self.table) and not np.isnan(self.table[offset])


def _parse_values(name: str, raw: Any, *, by_year: bool) -> tuple[DatedValue, ...]:
    if not isinstance(raw, list) or not raw:
        raise ParameterError(f"{name}: 'values' must be a non-empty list")
    parsed = []
    for entry in raw:
        if not isinstance(entry, dict):
            raise ParameterError(f"{name}: every value must be a table such as {{ from = ..., }}")
        if by_year:
            if not isinstance(entry.get("year"), int):
                raise ParameterError(f"{name}: every value needs an integer 'year'")
            start = dt.date(entry["year"], 1, 1)
        else:
            given = entry.get("from")
            if not isinstance(given, dt.date):
                raise ParameterError(f"{name}: every value needs a 'from' date")
            start = given
        value = entry.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParameterError(f"{name}: value from {start} is not a number")
        source = entry.get("source")
        if not source:
            raise ParameterError(f"{name}: value from {start} has no source")
        status = entry.get("status", "confirmed")
        if status not in ("confirmed", "unconfirmed"):
            raise ParameterError(f"{name}: status must be 'confirmed' or 'unconfirmed'")
        parsed.append(DatedValue(start, float(value), source, status, entry.get("note")))
    starts = [v.start for v in parsed]
    if starts != sorted(starts) or len(set(starts)) != len(starts):
        raise ParameterError(f"{name}: values must be in ascending order of date, without repeats")
    return tuple(parsed)


def parse_parameter(name: str, raw: Mapping[str, Any]) -> Parameter:
    unit = raw.get("unit")
    if unit not in UNITS:
        raise ParameterError(f"{name}: unknown unit {unit!r}")
    by_year = "year" in (raw.get("values") or [{}])[0]
    known_until = raw.get("known_until")
    if known_until is not None and not isinstance(known_until, dt.date):
        raise ParameterError(f"{name}: known_until must be a date")
    for key in ("description", "legal_basis"):
        if not raw.get(key):
            raise ParameterError(f"{name}: '{key}' is required")
    return Parameter(
        name=name,
        description=raw["description"],
        unit=unit,
        legal_basis=raw["legal_basis"],
        values=_parse_values(name, raw.get("values"), by_year=by_year),
        known_until=known_until,
        by_year=by_year,
    )


@dataclass(frozen=True)
class LegalBasis:
    """A legal basis that is not tied to one number (an automatic decision, a late klage).

    A number's legal basis is the `legal_basis` of its parameter; these are the others that a
    page or a letter prints, kept in `legal_bases.toml` so that no text types a § by hand.
    """

    name: str
    text: str
    source: str
    status: str


def parse_legal_bases(content: bytes) -> dict[str, LegalBasis]:
    """The registry of `legal_bases.toml`: one table per basis, with `text` and `source`."""
    try:
        data = tomllib.loads(content.decode("utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ParameterError(f"legal_bases.toml: {error}") from None
    bases = {}
    for name, raw in data.items():
        if not isinstance(raw, dict) or not raw.get("text") or not raw.get("source"):
            raise ParameterError(f"legal_bases.toml: '{name}' needs a 'text' and a 'source'")
        status = raw.get("status", "confirmed")
        if status not in ("confirmed", "unconfirmed"):
            raise ParameterError(
                f"legal_bases.toml: '{name}': status must be 'confirmed' or 'unconfirmed'"
            )
        bases[name] = LegalBasis(name, raw["text"], raw["source"], status)
    return bases


class ParameterSet:
    """All parameters of one rule-set, as loaded from the files or changed by a reform.

    `legal_bases` holds the legal bases that no parameter carries (see `LegalBasis`); a
    reform keeps them.
    """

    def __init__(
        self,
        parameters: Mapping[str, Parameter],
        digest: str,
        label: str,
        legal_bases: Mapping[str, LegalBasis] | None = None,
    ) -> None:
        self.parameters = dict(parameters)
        self.digest = digest
        self.label = label
        self.legal_bases = dict(legal_bases or {})
        self._tables: dict[str, YearTable] = {}

    def legal_basis(self, name: str) -> LegalBasis:
        """A legal basis from the registry, by name (`automatic_decision`, `late_klage`)."""
        try:
            return self.legal_bases[name]
        except KeyError:
            raise ParameterError(f"unknown legal basis {name!r}") from None

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self.parameters[name]
        except KeyError:
            raise ParameterError(f"unknown parameter {name!r}") from None

    def year_table(self, name: str) -> YearTable:
        if name not in self._tables:
            parameter = self[name]
            first = parameter.values[0].start.year
            last = parameter.values[-1].start.year
            table = np.full(last - first + 1, np.nan)
            for v in parameter.values:
                table[v.start.year - first] = v.value
            self._tables[name] = YearTable(parameter, first, table)
        return self._tables[name]

    @classmethod
    def from_files(cls, files: Iterable[tuple[str, bytes]], label: str) -> ParameterSet:
        parameters: dict[str, Parameter] = {}
        digest = hashlib.sha256()
        for stem, content in sorted(files):
            digest.update(stem.encode() + b"\0" + content)
            try:
                data = tomllib.loads(content.decode("utf-8"))
            except tomllib.TOMLDecodeError as error:
                raise ParameterError(f"parameters/{stem}.toml: {error}") from None
            for table, raw in data.items():
                if not isinstance(raw, dict):
                    raise ParameterError(f"parameters/{stem}.toml: '{table}' is not a table")
                name = f"{stem}.{table}"
                parameters[name] = parse_parameter(name, raw)
        return cls(parameters, digest.hexdigest()[:12], label)

    def with_reform(self, reform: Mapping[str, Any], label: str) -> ParameterSet:
        """A copy where the reform's values replace the baseline from the reform's first date.

        A reform names existing parameters (`[parameters."aap.minimum_factor"]`) and gives new
        dated values; baseline values from the reform's first date onwards are dropped, earlier
        ones are kept, so history stays as it was.
        """
        changes = reform.get("parameters")
        if not isinstance(changes, dict) or not changes:
            raise ParameterError('reform: a [parameters."NAME"] table is required')
        parameters = dict(self.parameters)
        digest = hashlib.sha256(self.digest.encode())
        for name, raw in changes.items():
            base = self[name]
            if not isinstance(raw, dict):
                raise ParameterError(f"reform: parameters.{name} must be a table")
            values = _parse_values(f"reform {name}", raw.get("values"), by_year=base.by_year)
            known_until = raw.get("known_until", base.known_until)
            if known_until is not None and not isinstance(known_until, dt.date):
                raise ParameterError(f"reform {name}: known_until must be a date")
            first = values[0].start
            kept = tuple(v for v in base.values if v.start < first)
            parameters[name] = Parameter(
                name=name,
                description=base.description,
                unit=base.unit,
                legal_basis=base.legal_basis,
                values=kept + values,
                known_until=known_until,
                by_year=base.by_year,
            )
            digest.update(repr((name, values)).encode())
        return ParameterSet(parameters, digest.hexdigest()[:12], label, self.legal_bases)


def load_default() -> ParameterSet:
    """The parameters shipped with trygd (package data `trygd/rules/parameters/*.toml`), with
    the legal bases registry (`trygd/rules/legal_bases.toml`), which counts in the digest
    because letters and pages print it."""
    folder = resources.files("trygd.rules") / "parameters"
    files = [
        (entry.name.removesuffix(".toml"), entry.read_bytes())
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    ]
    loaded = ParameterSet.from_files(files, label="baseline")
    bases = (resources.files("trygd.rules") / "legal_bases.toml").read_bytes()
    digest = hashlib.sha256(loaded.digest.encode() + b"\0" + bases).hexdigest()[:12]
    return ParameterSet(loaded.parameters, digest, loaded.label, parse_legal_bases(bases))


@dataclass(frozen=True)
class UsedParameter:
    """A parameter value as used by one assessment: enough to reproduce it years later."""

    name: str
    value: float
    valid_from: dt.date
    unit: str
    legal_basis: str
    source: str
    status: str


class Params:
    """The parameter values one benefit uses on one date, under the benefit's short names.

    A benefit declares a mapping from short names (`g`, `min_income_factor_12m`) to parameter
    names; rules read `p.g`. By-year parameters appear as `YearTable`s.
    """

    def __init__(
        self, values: dict[str, Any], used: tuple[UsedParameter, ...], stale: tuple[str, ...]
    ) -> None:
        self.__dict__.update(values)
        self.used = used
        self.stale = stale

    def __getattr__(self, name: str) -> Any:  # only called when the attribute is missing
        raise AttributeError(f"parameter {name!r} is not declared by this benefit")


def resolve(parameter_set: ParameterSet, names: Mapping[str, str], when: dt.date) -> Params:
    """Look up every declared parameter on `when` and note stale or unconfirmed values."""
    values: dict[str, Any] = {}
    used: list[UsedParameter] = []
    stale: list[str] = []
    for short, full in names.items():
        parameter = parameter_set[full]
        if parameter.by_year:
            values[short] = parameter_set.year_table(full)
            continue
        dated = parameter.value_at(when)
        values[short] = dated.value
        used.append(
            UsedParameter(
                full,
                dated.value,
                dated.start,
                parameter.unit,
                parameter.legal_basis,
                dated.source,
                dated.status,
            )
        )
        is_newest = dated is parameter.values[-1]
        if is_newest and parameter.known_until is not None and when > parameter.known_until:
            stale.append(full)
    return Params(values, tuple(used), tuple(stale))
