"""Meldekort: the meldeperiode, the card a person sends for it, and when it is due.

A person with running dagpenger (ftrl. § 4-8) or AAP (§ 11-10) reports every 14 days on a
meldekort: per day the hours worked, whether they were sick, away (holiday or other absence)
or in a measure (tiltak), and whether they still want to be a job seeker. This module is the
pure part of that:

- `Meldeperiode`: 14 days from a Monday to the Sunday of the next week. Periods are numbered
  from one fixed Monday (`PERIOD_ANCHOR`), so everyone's periods are the same days, as in
  NAV's Arena (periode code 202004 = 20 January to 2 February 2020) and a vedtak starting on
  a Thursday has its first period begin the Monday before.
- `Card` and `parse_card`: the answers, checked as NAV's meldekort services check them (half
  hours only, at most 24 a day, sickness or absence never combined with work on the same day,
  a correction needs a reason). Every problem names its field (`days[3].hours_worked`).
- `Schedule`: when a card opens, when it is due, when a reminder goes and whether a card sent
  on a day is late. The numbers are dated parameters (`rules/parameters/meldekort.toml`),
  resolved on the period's first day.

No database, clock or web here; the services pass the dates in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from trygd.rules.assessment import default_ruleset
from trygd.rules.parameters import ParameterSet, Params, resolve

PERIOD_ANCHOR: Final = dt.date(2020, 1, 20)
"""Monday of meldeperiode number 0. Any Monday of an Arena period gives the same periods; this
one is the first day of the Arena card in navikt/meldekortservice's test data (fra 2020-01-20,
til 2020-02-02, periodeKode 202004). Periods before it have negative numbers."""

DAYS_IN_PERIOD: Final = 14
"""Two weeks. The law's number (`dagpenger.meldeperiode_days`, `aap.meldeperiode_days`, both
14) is checked against this in the tests; the calendar needs it as a whole number of weeks."""

MAX_CORRECTION_REASON: Final = 2000
"""Length limit of a correction's reason (a storage limit, not law)."""

SCHEDULE_PARAMETERS: Final = {
    "open_days_before_end": "meldekort.open_days_before_period_end",
    "due_days_after_end": "meldekort.due_days_after_period_end",
    "reminder_days_before_due": "meldekort.reminder_days_before_due",
    "draft_keep_days": "meldekort.draft_keep_days",
    "max_hours_per_day": "meldekort.max_hours_per_day",
    "hours_step": "meldekort.hours_step",
}
"""Short names of the parameters this module reads, for `trygd.rules.parameters.resolve`."""


@dataclass(frozen=True, order=True)
class Meldeperiode:
    """One meldeperiode: `number` counts periods from `PERIOD_ANCHOR`."""

    number: int

    @property
    def start(self) -> dt.date:
        """The Monday the period begins."""
        return PERIOD_ANCHOR + dt.timedelta(days=DAYS_IN_PERIOD * self.number)

    @property
    def end(self) -> dt.date:
        """The Sunday of the second week, the period's last day."""
        return self.start + dt.timedelta(days=DAYS_IN_PERIOD - 1)

    @property
    def days(self) -> tuple[dt.date, ...]:
        return tuple(self.start + dt.timedelta(days=i) for i in range(DAYS_IN_PERIOD))

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> Meldeperiode:
        return Meldeperiode(self.number + 1)

    @classmethod
    def starting(cls, start: dt.date) -> Meldeperiode:
        """The period that begins on `start`; ValueError if no period begins that day."""
        period = period_containing(start)
        if period.start != start:
            raise ValueError(f"no meldeperiode begins on {start.isoformat()}")
        return period


def period_containing(day: dt.date) -> Meldeperiode:
    """The meldeperiode that `day` falls in."""
    return Meldeperiode((day - PERIOD_ANCHOR).days // DAYS_IN_PERIOD)


def periods_of_vedtak(
    effective_from: dt.date, until: dt.date, effective_to: dt.date | None = None
) -> list[Meldeperiode]:
    """The meldeperioder a running vedtak covers, from the one holding its effective date up
    to the one holding `until` (today, or a later day to plan for), stopping at the period
    holding `effective_to` when the right has an end."""
    last_day = until if effective_to is None else min(until, effective_to)
    if last_day < effective_from:
        return []
    first = period_containing(effective_from)
    last = period_containing(last_day)
    return [Meldeperiode(n) for n in range(first.number, last.number + 1)]


# --- When a card opens, is due, is late -------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """The dates of one period's card, with the parameters that gave them."""

    period: Meldeperiode
    opens_on: dt.date
    due_on: dt.date
    reminder_on: dt.date
    params: Params

    def is_open(self, today: dt.date) -> bool:
        return today >= self.opens_on

    def is_late(self, sent_on: dt.date) -> bool:
        """Sent after the due day (ftrl. § 4-8; NAV's sisteFristForTrekk)."""
        return sent_on > self.due_on

    def is_overdue(self, today: dt.date) -> bool:
        """Not sent and the due day has passed."""
        return today > self.due_on


def parameters_on(day: dt.date, parameter_set: ParameterSet | None = None) -> Params:
    """The meldekort parameters in force on `day` (the first day of a period)."""
    return resolve(parameter_set or default_ruleset().parameters, SCHEDULE_PARAMETERS, day)


def schedule(period: Meldeperiode, parameter_set: ParameterSet | None = None) -> Schedule:
    """When the card for `period` opens, is due and is reminded of."""
    p = parameters_on(period.start, parameter_set)
    opens = period.end - dt.timedelta(days=int(p.open_days_before_end))
    due = period.end + dt.timedelta(days=int(p.due_days_after_end))
    reminder = max(opens, due - dt.timedelta(days=int(p.reminder_days_before_due)))
    return Schedule(period, opens, due, reminder, p)


# --- The card --------------------------------------------------------------------------


@dataclass(frozen=True)
class CardDay:
    """One day of a card. `hours_worked` is a whole or half number of hours."""

    day: dt.date
    hours_worked: Decimal = Decimal(0)
    sick: bool = False
    absent: bool = False
    """On holiday or away for another reason (NAV: ferie eller annet fravær)."""
    tiltak: bool = False
    """In a measure, course or education NAV has agreed to (tiltak, kurs, utdanning)."""


@dataclass(frozen=True)
class Card:
    """The answers of one meldekort: 14 days, the job-seeker question, and for a correction
    of a sent card the reason."""

    period: Meldeperiode
    days: tuple[CardDay, ...]
    still_job_seeker: bool
    correction_reason: str | None = None

    @property
    def hours_worked(self) -> Decimal:
        return sum((d.hours_worked for d in self.days), Decimal(0))

    def as_json(self) -> dict[str, Any]:
        """The answers as stored (hours as text, so no float enters a record)."""
        return {
            "period_start": self.period.start.isoformat(),
            "days": [
                {
                    "date": d.day.isoformat(),
                    "hours_worked": str(d.hours_worked),
                    "sick": d.sick,
                    "absent": d.absent,
                    "tiltak": d.tiltak,
                }
                for d in self.days
            ],
            "still_job_seeker": self.still_job_seeker,
            "correction_reason": self.correction_reason,
        }


class CardProblems(ValueError):
    """A card that cannot be accepted: every problem as (field, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in problems))
        self.problems = problems


def _hours(value: Any, field: str, p: Params, problems: list[tuple[str, str]]) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        problems.append((field, "must be a number of hours"))
        return Decimal(0)
    try:
        hours = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        problems.append((field, "must be a number of hours"))
        return Decimal(0)
    if not hours.is_finite() or hours < 0:
        problems.append((field, "must be zero or more hours"))
        return Decimal(0)
    if hours > Decimal(str(p.max_hours_per_day)):
        problems.append((field, f"must be at most {p.max_hours_per_day:g} hours a day"))
        return Decimal(0)
    step = Decimal(str(p.hours_step))
    if hours % step != 0:
        problems.append((field, f"must be given in steps of {p.hours_step:g} hours"))
        return Decimal(0)
    return hours


def _flag(value: Any, field: str, problems: list[tuple[str, str]]) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        problems.append((field, "must be true or false"))
        return False
    return value


def parse_card(
    data: Any,
    period: Meldeperiode,
    *,
    correction: bool = False,
    parameter_set: ParameterSet | None = None,
    complete: bool = True,
) -> Card:
    """Read a card's answers (the API's JSON or the pages' form, as a dict).

    `data` holds `days` (a list of 14 objects in date order, each with `hours_worked`,
    `sick`, `absent`, `tiltak`; a missing day means nothing to report), `still_job_seeker`
    (true or false) and, for a `correction`, `correction_reason`. With `complete` False (a
    draft) the job-seeker answer may be missing. Raises `CardProblems` with every problem.
    """
    p = parameters_on(period.start, parameter_set)
    problems: list[tuple[str, str]] = []
    if not isinstance(data, dict):
        raise CardProblems([("body", "must be an object")])
    raw_days = data.get("days", [])
    if not isinstance(raw_days, list):
        problems.append(("days", "must be a list of days"))
        raw_days = []
    if len(raw_days) > DAYS_IN_PERIOD:
        problems.append(("days", f"a meldeperiode has {DAYS_IN_PERIOD} days"))
        raw_days = raw_days[:DAYS_IN_PERIOD]
    days: list[CardDay] = []
    for index, day in enumerate(period.days):
        raw = raw_days[index] if index < len(raw_days) else {}
        where = f"days[{index}]"
        if not isinstance(raw, dict):
            problems.append((where, "must be an object"))
            raw = {}
        given_date = raw.get("date")
        if given_date is not None and given_date != day.isoformat():
            problems.append((f"{where}.date", f"must be {day.isoformat()}"))
        hours = _hours(raw.get("hours_worked"), f"{where}.hours_worked", p, problems)
        sick = _flag(raw.get("sick"), f"{where}.sick", problems)
        absent = _flag(raw.get("absent"), f"{where}.absent", problems)
        tiltak = _flag(raw.get("tiltak"), f"{where}.tiltak", problems)
        if hours > 0 and sick:
            problems.append((f"{where}.hours_worked", "work and sickness on the same day"))
        if hours > 0 and absent:
            problems.append((f"{where}.hours_worked", "work and absence on the same day"))
        if sick and absent:
            problems.append((f"{where}.absent", "sickness and absence on the same day"))
        days.append(CardDay(day, hours, sick, absent, tiltak))
    seeker = data.get("still_job_seeker")
    if seeker is None and complete:
        problems.append(("still_job_seeker", "must be answered"))
    elif seeker is not None and not isinstance(seeker, bool):
        problems.append(("still_job_seeker", "must be true or false"))
    reason = data.get("correction_reason")
    if reason is not None and not isinstance(reason, str):
        problems.append(("correction_reason", "must be text"))
        reason = None
    reason = reason.strip() if reason else None
    if correction and not reason:
        problems.append(("correction_reason", "a correction needs a reason"))
    if reason and len(reason) > MAX_CORRECTION_REASON:
        problems.append(("correction_reason", f"at most {MAX_CORRECTION_REASON} characters"))
    if not correction and reason:
        problems.append(("correction_reason", "only a correction has a reason"))
    if problems:
        raise CardProblems(problems)
    return Card(period, tuple(days), bool(seeker), reason if correction else None)


def card_from_json(stored: dict[str, Any]) -> Card:
    """A card as `Card.as_json` stored it (already checked when it was sent)."""
    period = Meldeperiode.starting(dt.date.fromisoformat(stored["period_start"]))
    days = tuple(
        CardDay(
            dt.date.fromisoformat(d["date"]),
            Decimal(d["hours_worked"]),
            bool(d["sick"]),
            bool(d["absent"]),
            bool(d["tiltak"]),
        )
        for d in stored["days"]
    )
    return Card(period, days, bool(stored["still_job_seeker"]), stored.get("correction_reason"))
