"""Effective-dated legal parameters: G, rates, thresholds and amounts, each with its source.

The values live in TOML files beside this module (`parameters/<area>.toml`), one table per
parameter, so that a lawyer can check every number against its source and a reform can
replace a number without touching code. A value holds from its `from` date until the day
before the next value. Values that are renewed regularly (G each 1 May, child supplements
each 1 January) say until when they are known to hold; assessing a later date still works
but produces a warning that the value may be stale.

A rule that was repealed, or that is proposed but not (yet) law, has a dated entry without a
value: `{ from = 2022-07-01, in_force = false, source = ... }` says that from that day the
parameter is not in force (the 95 % cap on uføretrygd plus barnetillegg ended then). The
benefit's rules then read `None` for it and leave the rule out; a reform can bring it back
with a dated value, or end it with an entry of its own. A number such as 0 or 1 would
pretend to be a value the law gives.

G (grunnbeløpet) is the one parameter kept differently: a single dated list of G changes
(`GList`), each change with the day it takes effect, the day NAV starts using it in
minimum-income tests, the amount and, on the year's last change, the average G of that
calendar year. The benefits read three parameters built from that list (`common.grunnbelop`,
`common.grunnbelop_minimum_income`, `common.grunnbelop_average`); they are views, so a reform
changes G in one place and all three follow.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
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
        "hours",
        "hours/week",
        "count",
        "flag",
    }
)
"""A "flag" is a choice between two readings of a rule: 1 (yes) or 0 (no), nothing else."""


class ParameterError(ValueError):
    """A parameter file or reform is malformed, or a value is not in force on a date."""


@dataclass(frozen=True)
class DatedValue:
    """One value of a parameter, from the day it takes effect, with where it comes from.

    `in_force` False: from `start` the parameter is not in force (repealed, or only proposed);
    `value` is then NaN and must not be read (`Params` holds None for it)."""

    start: dt.date
    value: float
    source: str
    status: str
    note: str | None = None
    in_force: bool = True


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


@dataclass(frozen=True)
class History:
    """A dated parameter's whole list of values, for a rule that needs its value on other
    days than the one assessed: dagpenger index each month's income by the G of that month
    (ftrl. § 4-11). A benefit names such parameters in `Benefit.histories`; a decision record
    stores the whole list, so that a replay needs no parameter files."""

    parameter: Parameter

    def value_at(self, when: dt.date) -> float:
        """The value in force on `when` (a `ParameterError` before the first value)."""
        return self.parameter.value_at(when).value


def _source_and_status(name: str, entry: Mapping[str, Any], start: dt.date) -> tuple[str, str]:
    source = entry.get("source")
    if not source:
        raise ParameterError(f"{name}: value from {start} has no source")
    status = entry.get("status", "confirmed")
    if status not in ("confirmed", "unconfirmed"):
        raise ParameterError(f"{name}: status must be 'confirmed' or 'unconfirmed'")
    return str(source), str(status)


def _number(name: str, entry: Mapping[str, Any], key: str, start: dt.date) -> float:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterError(f"{name}: {key} from {start} is not a number")
    return float(value)


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
        in_force = entry.get("in_force", True)
        if not isinstance(in_force, bool):
            raise ParameterError(f"{name}: in_force from {start} must be true or false")
        if in_force:
            value = _number(name, entry, "value", start)
        elif "value" in entry or by_year:
            raise ParameterError(
                f"{name}: the entry from {start} says in_force = false, so it takes no value"
            )
        else:
            value = math.nan
        source, status = _source_and_status(name, entry, start)
        parsed.append(DatedValue(start, value, source, status, entry.get("note"), in_force))
    starts = [v.start for v in parsed]
    if starts != sorted(starts) or len(set(starts)) != len(starts):
        raise ParameterError(f"{name}: values must be in ascending order of date, without repeats")
    return tuple(parsed)


def _check_header(name: str, raw: Mapping[str, Any]) -> None:
    """The parts every parameter table has besides its values."""
    if raw.get("unit") not in UNITS:
        raise ParameterError(f"{name}: unknown unit {raw.get('unit')!r}")
    known_until = raw.get("known_until")
    if known_until is not None and not isinstance(known_until, dt.date):
        raise ParameterError(f"{name}: known_until must be a date")
    for key in ("description", "legal_basis"):
        if not raw.get(key):
            raise ParameterError(f"{name}: '{key}' is required")


def _check_flag(name: str, unit: str, values: Iterable[DatedValue]) -> None:
    if unit == "flag" and any(v.value not in (0.0, 1.0) for v in values):
        raise ParameterError(f"{name}: a flag is 1 (yes) or 0 (no)")


def parse_parameter(name: str, raw: Mapping[str, Any]) -> Parameter:
    _check_header(name, raw)
    by_year = "year" in (raw.get("values") or [{}])[0]
    values = _parse_values(name, raw.get("values"), by_year=by_year)
    _check_flag(name, raw["unit"], values)
    return Parameter(
        name=name,
        description=raw["description"],
        unit=raw["unit"],
        legal_basis=raw["legal_basis"],
        values=values,
        known_until=raw.get("known_until"),
        by_year=by_year,
    )


AVERAGE_TOLERANCE = 1.0
"""How far (in kroner) a yearly average of G may lie from the figure the year's G values give.
NAV publishes the averages rounded to whole kroner, so the published figure lies within
0.5 kr of the exact one; 1 kr also lets a reform round its own figure either way."""


@dataclass(frozen=True)
class GChange:
    """One change of G.

    `start` is the day the new G takes effect (normally 1 May), `minimum_income_start` the
    day NAV starts using it in minimum-income tests (the day the new G was put into use,
    some weeks later since 2013; before 2013 the same day), and `yearly_average` the average
    G of the calendar year, given only on the year's last change: the average is known only
    once every G of the year is fixed (1971, 1974-1977, 1980, 1981, 1983, 1986, 1988 and
    1990 have two or three changes, and the source puts the average on the last one).
    """

    start: dt.date
    minimum_income_start: dt.date
    value: float
    yearly_average: float | None
    source: str
    status: str
    note: str | None = None


@dataclass(frozen=True)
class GView:
    """How one of the parameters built from the G list is described: its full name, its
    description and its legal basis (the minimum-income G rests on other sections)."""

    name: str
    description: str
    legal_basis: str


@dataclass(frozen=True)
class GList:
    """G as one dated list of changes, and the three parameters that are views of it.

    `ordinary` (`common.grunnbelop`) is G by the day it takes effect, `minimum_income`
    (`common.grunnbelop_minimum_income`) G by the day NAV uses it in minimum-income tests,
    `average` (`common.grunnbelop_average`) the yearly average by calendar year.
    """

    ordinary: GView
    minimum_income: GView
    average: GView
    unit: str
    known_until: dt.date | None
    changes: tuple[GChange, ...]

    @property
    def view_names(self) -> tuple[str, str]:
        """The views a reform may not name: they change only through the list."""
        return (self.minimum_income.name, self.average.name)

    def parameters(self) -> dict[str, Parameter]:
        """The three views, as the parameters the benefits read."""

        def dated(start: dt.date, value: float, change: GChange) -> DatedValue:
            return DatedValue(start, value, change.source, change.status, change.note)

        def parameter(
            view: GView, values: Iterable[DatedValue], *, known_until: dt.date | None, by_year: bool
        ) -> Parameter:
            return Parameter(
                name=view.name,
                description=view.description,
                unit=self.unit,
                legal_basis=view.legal_basis,
                values=tuple(values),
                known_until=known_until,
                by_year=by_year,
            )

        averages = [
            dated(dt.date(c.start.year, 1, 1), c.yearly_average, c)
            for c in self.changes
            if c.yearly_average is not None
        ]
        return {
            self.ordinary.name: parameter(
                self.ordinary,
                (dated(c.start, c.value, c) for c in self.changes),
                known_until=self.known_until,
                by_year=False,
            ),
            self.minimum_income.name: parameter(
                self.minimum_income,
                (dated(c.minimum_income_start, c.value, c) for c in self.changes),
                known_until=self.known_until,
                by_year=False,
            ),
            self.average.name: parameter(self.average, averages, known_until=None, by_year=True),
        }

    def replaced_from(self, new: tuple[GChange, ...], known_until: dt.date | None) -> GList:
        """A copy where `new` replaces every change from its first date on (for a reform)."""
        kept = tuple(c for c in self.changes if c.start < new[0].start)
        changes = kept + new
        _check_g_changes(self.ordinary.name, changes)
        lost = _average_years(self.changes) - _average_years(changes)
        if lost:
            years = ", ".join(str(year) for year in sorted(lost))
            raise ParameterError(
                f"reform {self.ordinary.name}: the reform replaces G in {years}, so it must "
                f"give yearly_average on its last change of {years} as well"
            )
        return GList(
            self.ordinary, self.minimum_income, self.average, self.unit, known_until, changes
        )


def _average_years(changes: Iterable[GChange]) -> set[int]:
    return {c.start.year for c in changes if c.yearly_average is not None}


def _parse_g_changes(name: str, raw: Any) -> tuple[GChange, ...]:
    """The G changes of a parameter file or a reform, each
    `{ from, minimum_income_from, value, yearly_average (optional), source, status, note }`."""
    if not isinstance(raw, list) or not raw:
        raise ParameterError(f"{name}: 'values' must be a non-empty list")
    changes = []
    for entry in raw:
        if not isinstance(entry, dict):
            raise ParameterError(f"{name}: every value must be a table such as {{ from = ..., }}")
        start = entry.get("from")
        if not isinstance(start, dt.date):
            raise ParameterError(f"{name}: every value needs a 'from' date")
        minimum_income_start = entry.get("minimum_income_from")
        if not isinstance(minimum_income_start, dt.date):
            raise ParameterError(
                f"{name}: the change from {start} needs a 'minimum_income_from' date (the day "
                "NAV starts using it in minimum-income tests; the same as 'from' before 2013)"
            )
        value = _number(name, entry, "value", start)
        average = None
        if entry.get("yearly_average") is not None:
            average = _number(name, entry, "yearly_average", start)
        source, status = _source_and_status(name, entry, start)
        changes.append(
            GChange(start, minimum_income_start, value, average, source, status, entry.get("note"))
        )
    return tuple(changes)


def _check_g_changes(name: str, changes: tuple[GChange, ...]) -> None:
    """Refuse a G list that is out of order or whose three views do not fit together.

    Dates ascend without repeats (both kinds); a change is not used in minimum-income tests
    before it takes effect; a yearly average sits on the year's last change and lies between
    the lowest and the highest G in force that year (within `AVERAGE_TOLERANCE`), and, when
    all of the year's changes fall on the first of a month, within `AVERAGE_TOLERANCE` of the
    month-weighted average: the G in force on the first of each month, over twelve months,
    which is how every published average from 1967 on comes out.
    """
    starts = [c.start for c in changes]
    if starts != sorted(starts) or len(set(starts)) != len(starts):
        raise ParameterError(f"{name}: values must be in ascending order of date, without repeats")
    uses = [c.minimum_income_start for c in changes]
    if uses != sorted(uses) or len(set(uses)) != len(uses):
        raise ParameterError(
            f"{name}: the minimum_income_from dates must be in ascending order, without repeats"
        )
    for change in changes:
        if change.minimum_income_start < change.start:
            raise ParameterError(
                f"{name}: the change from {change.start} is used in minimum-income tests from "
                f"{change.minimum_income_start}, before it takes effect"
            )
    for index, change in enumerate(changes):
        if change.yearly_average is None:
            continue
        year = change.start.year
        following = changes[index + 1] if index + 1 < len(changes) else None
        if following is not None and following.start.year == year:
            raise ParameterError(
                f"{name}: the yearly average of {year} belongs on the year's last change "
                f"({max(c.start for c in changes if c.start.year == year)}), not on "
                f"{change.start}"
            )
        _check_average(name, year, change.yearly_average, changes[: index + 1])


def _check_average(name: str, year: int, average: float, changes: tuple[GChange, ...]) -> None:
    """`changes` are those up to the year's last one; see `_check_g_changes`."""
    in_force = [c for c in changes if c.start.year == year]
    before = [c for c in changes if c.start.year < year]
    if before:
        in_force.insert(0, before[-1])
    values = [c.value for c in in_force]
    low, high = min(values), max(values)
    if not low - AVERAGE_TOLERANCE <= average <= high + AVERAGE_TOLERANCE:
        raise ParameterError(
            f"{name}: the yearly average of {year} ({average:g}) is not between the lowest "
            f"and the highest G in force that year ({low:g} and {high:g})"
        )
    first_of_month = all(c.start.day == 1 for c in in_force if c.start.year == year)
    if not first_of_month or in_force[0].start > dt.date(year, 1, 1):
        return
    monthly = []
    for month in range(1, 13):
        day = dt.date(year, month, 1)
        monthly.append([c.value for c in in_force if c.start <= day][-1])
    expected = sum(monthly) / 12
    if abs(average - expected) > AVERAGE_TOLERANCE:
        raise ParameterError(
            f"{name}: the yearly average of {year} ({average:g}) does not fit the year's G "
            f"values, whose month-weighted average is {expected:.2f} (tolerance "
            f"{AVERAGE_TOLERANCE:g} kr)"
        )


def _parse_view(name: str, raw: Any, stem: str) -> GView:
    if not isinstance(raw, dict):
        raise ParameterError(f"{name} must be a table with name, description and legal_basis")
    for key in ("name", "description", "legal_basis"):
        if not raw.get(key):
            raise ParameterError(f"{name}: '{key}' is required")
    return GView(f"{stem}.{raw['name']}", raw["description"], raw["legal_basis"])


def parse_g_list(stem: str, table: str, raw: Mapping[str, Any]) -> GList:
    """The G list of a parameter file: the ordinary table plus `minimum_income_view` and
    `average_view`, which name and describe the two other views."""
    name = f"{stem}.{table}"
    _check_header(name, raw)
    changes = _parse_g_changes(name, raw.get("values"))
    _check_g_changes(name, changes)
    return GList(
        ordinary=GView(name, raw["description"], raw["legal_basis"]),
        minimum_income=_parse_view(
            f"{name}.minimum_income_view", raw.get("minimum_income_view"), stem
        ),
        average=_parse_view(f"{name}.average_view", raw.get("average_view"), stem),
        unit=raw["unit"],
        known_until=raw.get("known_until"),
        changes=changes,
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
        g_lists: Mapping[str, GList] | None = None,
        legal_bases: Mapping[str, LegalBasis] | None = None,
    ) -> None:
        self.g_lists = dict(g_lists or {})
        """The dated lists of G changes by the name of their ordinary view (`common.grunnbelop`);
        their views are in `parameters` like any other parameter."""
        self.parameters = dict(parameters)
        for g_list in self.g_lists.values():
            self.parameters.update(g_list.parameters())
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
        g_lists: dict[str, GList] = {}
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
                if "minimum_income_view" in raw or "average_view" in raw:
                    g_lists[name] = parse_g_list(stem, table, raw)
                else:
                    parameters[name] = parse_parameter(name, raw)
        for g_list in g_lists.values():
            for view in g_list.view_names:
                if view in parameters:
                    raise ParameterError(
                        f"{view} is a view of the G list {g_list.ordinary.name}; a table of the "
                        "same name cannot be given as well"
                    )
        return cls(parameters, digest.hexdigest()[:12], label, g_lists)

    def with_reform(self, reform: Mapping[str, Any], label: str) -> ParameterSet:
        """A copy where the reform's values replace the baseline from the reform's first date.

        A reform names existing parameters (`[parameters."aap.minimum_factor"]`) and gives new
        dated values; baseline values from the reform's first date onwards are dropped, earlier
        ones are kept, so history stays as it was.

        G changes through its list only: `[parameters."common.grunnbelop"]` with values
        `{ from, minimum_income_from, value, yearly_average, source }`, which changes the
        ordinary G, the minimum-income G and the yearly average together. A reform that names
        `common.grunnbelop_minimum_income` or `common.grunnbelop_average` is refused: they are
        views of the list, and changing one alone would make them disagree.
        """
        changes = reform.get("parameters")
        if not isinstance(changes, dict) or not changes:
            raise ParameterError('reform: a [parameters."NAME"] table is required')
        parameters = dict(self.parameters)
        g_lists = dict(self.g_lists)
        digest = hashlib.sha256(self.digest.encode())
        for name, raw in changes.items():
            base = self[name]
            if not isinstance(raw, dict):
                raise ParameterError(f"reform: parameters.{name} must be a table")
            self._refuse_view(name)
            if name in g_lists:
                g_changes = _parse_g_changes(f"reform {name}", raw.get("values"))
                g_until = raw.get("known_until", base.known_until)
                if g_until is not None and not isinstance(g_until, dt.date):
                    raise ParameterError(f"reform {name}: known_until must be a date")
                g_lists[name] = g_lists[name].replaced_from(g_changes, g_until)
                digest.update(repr((name, g_changes)).encode())
                continue
            values = _parse_values(f"reform {name}", raw.get("values"), by_year=base.by_year)
            _check_flag(f"reform {name}", base.unit, values)
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
        return ParameterSet(parameters, digest.hexdigest()[:12], label, g_lists, self.legal_bases)

    def _refuse_view(self, name: str) -> None:
        for g_list in self.g_lists.values():
            if name in g_list.view_names:
                raise ParameterError(
                    f"reform: {name} is a view of the G list {g_list.ordinary.name} and cannot "
                    f'be changed alone; change G with [parameters."{g_list.ordinary.name}"] and '
                    "values = [{ from = ..., minimum_income_from = ..., value = ..., "
                    "yearly_average = ..., source = ... }], which changes all three together"
                )


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
    return ParameterSet(
        loaded.parameters, digest, loaded.label, loaded.g_lists, parse_legal_bases(bases)
    )


@dataclass(frozen=True)
class UsedParameter:
    """A parameter value as used by one assessment: enough to reproduce it years later.

    `in_force` False: the parameter was looked up but was not in force on the date (from
    `valid_from`, see `DatedValue`); `value` is then NaN."""

    name: str
    value: float
    valid_from: dt.date
    unit: str
    legal_basis: str
    source: str
    status: str
    in_force: bool = True


class Params:
    """The parameter values one benefit uses on one date, under the benefit's short names.

    A benefit declares a mapping from short names (`g`, `min_income_factor_12m`) to parameter
    names; rules read `p.g`. By-year parameters appear as `YearTable`s, the histories a
    benefit declares (`Benefit.histories`) as `History`s, and a parameter that is not in force
    on the date (see `DatedValue.in_force`) as None: the same for every person of a
    population, so a rule may test it with a plain `if`.
    """

    def __init__(
        self, values: dict[str, Any], used: tuple[UsedParameter, ...], stale: tuple[str, ...]
    ) -> None:
        self.__dict__.update(values)
        self.used = used
        self.stale = stale

    def __getattr__(self, name: str) -> Any:  # only called when the attribute is missing
        raise AttributeError(f"parameter {name!r} is not declared by this benefit")


def resolve(
    parameter_set: ParameterSet,
    names: Mapping[str, str],
    when: dt.date,
    histories: Mapping[str, str] | None = None,
) -> Params:
    """Look up every declared parameter on `when` and note stale or unconfirmed values.

    `histories` (short name to parameter name) are given whole, as a `History`."""
    values: dict[str, Any] = {
        short: History(parameter_set[full]) for short, full in (histories or {}).items()
    }
    used: list[UsedParameter] = []
    stale: list[str] = []
    for short, full in names.items():
        parameter = parameter_set[full]
        if parameter.by_year:
            values[short] = parameter_set.year_table(full)
            continue
        dated = parameter.value_at(when)
        values[short] = dated.value if dated.in_force else None
        used.append(
            UsedParameter(
                full,
                dated.value,
                dated.start,
                parameter.unit,
                parameter.legal_basis,
                dated.source,
                dated.status,
                dated.in_force,
            )
        )
        is_newest = dated is parameter.values[-1]
        if is_newest and parameter.known_until is not None and when > parameter.known_until:
            stale.append(full)
    return Params(values, tuple(used), tuple(stale))
