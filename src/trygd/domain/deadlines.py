"""Procedural deadlines (frister), computed to the day.

A deadline decides whether a klage, an anke or a lawsuit may be heard at all, so a result
that is one day too early takes a right away from the person, and one day too late lets an
appeal through that NAV must reject. Every deadline in trygd is therefore computed here,
by one set of rules, with the length read from the dated parameters
(`rules/parameters/procedure.toml`) and the reason for every step recorded.

The counting rules are those of domstolloven, which NAV and Trygderetten apply to the
deadlines of forvaltningsloven, folketrygdloven and trygderettsloven:

1. The deadline runs from the day the notice reached the person (fvl. § 29, ftrl. § 21-12).
   That day itself is not counted.
2. A deadline in weeks ends on the same weekday as the day it runs from, the given number of
   weeks later; a deadline in months ends on the same day-number of the last month, or on
   the last day of that month if it has no such day (31 January + 1 month = 28 or 29
   February). Domstolloven § 148 second ledd.
3. If that last day is a Saturday, a Sunday, a public holiday or a day the law treats as a
   holiday (1 and 17 May), the deadline is extended to the next working day. Domstolloven
   § 149 first ledd.

Christmas Eve and New Year's Eve are ordinary working days here: they are not public
holidays, and no law treats them as such for deadlines.

Every `Deadline` carries the legal basis of the parameter that gave its length, so that a
page or a letter prints that basis and the actual last day, never a typed number of weeks.

The module is pure: it reads the parameter files, but touches no database, network or clock.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Final

from trygd.rules.assessment import default_ruleset

# The holiday calendar is in the rules core (dagpenger count working days too); it is named
# here as well, as this module has always offered it.
from trygd.rules.holidays import FIRST_YEAR as FIRST_YEAR
from trygd.rules.holidays import LAST_YEAR as LAST_YEAR
from trygd.rules.holidays import check_date as _check_date
from trygd.rules.holidays import easter_sunday as easter_sunday
from trygd.rules.holidays import holiday_name as holiday_name
from trygd.rules.holidays import holidays_of
from trygd.rules.holidays import is_working_day as _weekday_not_holiday
from trygd.rules.holidays import public_holidays as public_holidays
from trygd.rules.parameters import ParameterSet

MAX_EXTENSION_DAYS: Final = 5
"""The most days a deadline can be moved: a last day on Skjærtorsdag moves over Langfredag,
the weekend and 2. påskedag to the Tuesday. No other run of non-working days is as long:
Christmas on a Thursday, Pinse followed by 17 May on the Tuesday, and Kristi himmelfartsdag
on 30 April followed by 1 May each give 4 (the tests check every year 1900..2299)."""

SATURDAY: Final = "lørdag"
SUNDAY: Final = "søndag"


def _check_count(value: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number (int), not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative (got {value})")


def is_working_day(day: dt.date) -> bool:
    """Whether a deadline may end on `day`: not a Saturday, Sunday or public holiday.

    Saturdays are not holidays, but domstolloven § 149 extends a deadline that ends on a
    Saturday just as if it were one, so for deadlines a Saturday is not a working day.
    Christmas Eve and New Year's Eve are working days.
    """
    return _weekday_not_holiday(day)


def _non_working_reason(day: dt.date) -> str:
    """Why `day` is not a working day: its holiday name first, else lørdag or søndag."""
    name = holidays_of(day.year).get(day)
    if name is not None:
        return name
    return SATURDAY if day.weekday() == 5 else SUNDAY


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself if it is a working day, otherwise the first working day after it.

    This is the extension of domstolloven § 149: a deadline never ends on a day the person
    cannot act on. It runs across a year end (31 December on a Saturday gives 2 January).
    """
    _check_date(day, "day")
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def _add_months(start: dt.date, months: int) -> dt.date:
    index = start.year * 12 + (start.month - 1) + months
    year, month_index = divmod(index, 12)
    month = month_index + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError(f"{start.isoformat()} + {months} months is out of range")
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(start.day, last))


def add_period(start: dt.date, *, weeks: int = 0, months: int = 0) -> dt.date:
    """The raw last day of a period: `start` plus whole weeks or whole months, not moved.

    Weeks end on the same weekday, months on the same day-number of the last month or that
    month's last day if it is shorter (domstolloven § 148). The start day is not counted,
    which is what adding does: 6 weeks from a Tuesday end on the Tuesday 42 days later.

    A deadline is given in weeks or in months, never both, because the law has no rule for
    the order in which a mixed period would be counted; giving both is a `ValueError`, as
    is a negative count. A zero period gives `start`.
    """
    _check_date(start, "start")
    _check_count(weeks, "weeks")
    _check_count(months, "months")
    if weeks and months:
        raise ValueError("a deadline is given in weeks or in months, not both")
    if months:
        return _add_months(start, months)
    return start + dt.timedelta(weeks=weeks)


def deadline_from(received: dt.date, *, weeks: int = 0, months: int = 0) -> dt.date:
    """The last day of a deadline that runs from `received`, under the full rule.

    `received` is the day the notice reached the person; that day is not counted. The raw
    end (`add_period`) is moved to the next working day if it is a Saturday, Sunday or
    public holiday. An act on the returned day is in time.
    """
    return next_working_day(add_period(received, weeks=weeks, months=months))


def _period_text(count: int, unit: str) -> str:
    singular = unit.removesuffix("s")
    return f"{count} {singular if count == 1 else unit}"


@dataclass(frozen=True)
class Deadline:
    """A computed deadline with everything needed to explain and re-check it.

    `last_day` is the last day on which the person can act in time. `received` is the day
    the deadline runs from. `period` says how long it is ("6 weeks"), `parameter` and
    `parameter_value` which dated parameter gave that length, and `legal_basis`, `source`
    and `status` where the length comes from and whether it is confirmed. If the raw end fell
    on a day that is not a working day, `moved_from` is that raw end and `moved_because`
    names each day passed over, in order: the holiday's name, or "lørdag" / "søndag".
    Otherwise `moved_from` is None and `moved_because` is empty.
    """

    last_day: dt.date
    received: dt.date
    period: str
    legal_basis: str
    parameter: str
    parameter_value: int
    moved_from: dt.date | None
    moved_because: tuple[str, ...]
    source: str
    status: str

    @property
    def raw_end(self) -> dt.date:
        """The last day before any move off a weekend or holiday."""
        return self.moved_from if self.moved_from is not None else self.last_day


def _deadline(
    parameter_name: str, received: dt.date, unit: str, parameters: ParameterSet | None
) -> Deadline:
    _check_date(received, "received")
    # The one shared parameter cache of the rules core: a deadline and an assessment read
    # the same files once, and a page shows the same length as the rules use.
    parameter_set = parameters if parameters is not None else default_ruleset().parameters
    parameter = parameter_set[parameter_name]
    if parameter.unit != unit:
        raise ValueError(f"{parameter_name} is in {parameter.unit}, expected {unit}")
    dated = parameter.value_at(received)
    if not float(dated.value).is_integer() or dated.value < 0:
        raise ValueError(
            f"{parameter_name} on {received.isoformat()} is {dated.value}, "
            f"not a whole number of {unit}"
        )
    count = int(dated.value)
    raw_end = add_period(received, **{unit: count})
    last_day = next_working_day(raw_end)
    skipped: list[str] = []
    day = raw_end
    while day < last_day:
        skipped.append(_non_working_reason(day))
        day += dt.timedelta(days=1)
    return Deadline(
        last_day=last_day,
        received=received,
        period=_period_text(count, unit),
        legal_basis=parameter.legal_basis,
        parameter=parameter_name,
        parameter_value=count,
        moved_from=raw_end if last_day != raw_end else None,
        moved_because=tuple(skipped),
        source=dated.source,
        status=dated.status,
    )


def klage_deadline(received: dt.date, *, parameters: ParameterSet | None = None) -> Deadline:
    """Klagefrist: last day to appeal a NAV decision, from the day the decision was received.

    Six weeks under ftrl. § 21-12, not the three weeks of fvl. § 29. The length is the value
    of `procedure.klage_weeks` in force on `received`; `parameters` replaces the shipped
    parameter set (for a reform or a test).
    """
    return _deadline("procedure.klage_weeks", received, "weeks", parameters)


def anke_deadline(received: dt.date, *, parameters: ParameterSet | None = None) -> Deadline:
    """Ankefrist: last day to appeal NAV Klageinstans' decision to Trygderetten.

    Counted from the day the klage decision was received (`procedure.anke_weeks`,
    trygderettsloven); Trygderetten applies it strictly, so it is computed like the others.
    """
    return _deadline("procedure.anke_weeks", received, "weeks", parameters)


def court_deadline(received: dt.date, *, parameters: ParameterSet | None = None) -> Deadline:
    """Søksmålsfrist: last day to bring Trygderetten's ruling before lagmannsretten.

    A period in months (`procedure.court_months`) from the day the ruling was received, so
    it ends on the same day-number, or the month's last day when the month is shorter.
    """
    return _deadline("procedure.court_months", received, "months", parameters)


def comment_deadline(sent: dt.date, *, parameters: ParameterSet | None = None) -> Deadline:
    """Last day to comment on the first instance's statement before the case goes on.

    When a klage or anke is sent on, the person gets a copy of the first instance's
    statement and may answer it (fvl. § 33); the length is NAV practice
    (`procedure.comment_weeks`, unconfirmed). Counted from `sent`: pass the day the copy
    reached the person where that is known, since the law counts from receipt.
    """
    return _deadline("procedure.comment_weeks", sent, "weeks", parameters)


def grounds_deadline(received: dt.date, *, parameters: ParameterSet | None = None) -> Deadline:
    """Last day to give the full grounds after a short (fristavbrytende) klage.

    A klage that only says "I appeal" stops the klagefrist; NAV then gives a deadline for
    the grounds (fvl. § 32; length `procedure.grounds_weeks`, NAV practice, unconfirmed),
    counted from the day NAV's request was received.
    """
    return _deadline("procedure.grounds_weeks", received, "weeks", parameters)


def short_klage_grounds_deadline(
    received: dt.date, klagefrist: Deadline, *, parameters: ParameterSet | None = None
) -> Deadline:
    """Last day to give the grounds after a short klage received on `received`: the grounds
    deadline (`grounds_deadline`), or the klagefrist itself where that ends later. A klage
    sent early keeps the rest of its klagefrist to be completed (the person could have sent
    the whole klage that late), so a short notice never leaves the person less time than
    not sending it would."""
    grounds = grounds_deadline(received, parameters=parameters)
    return klagefrist if klagefrist.last_day > grounds.last_day else grounds


def advance_notice_deadline(sent: dt.date, *, parameters: ParameterSet | None = None) -> Deadline:
    """Last day to respond to a forhåndsvarsel before NAV decides (fvl. § 16).

    The length is NAV practice (`procedure.advance_notice_weeks`, unconfirmed). NAV's
    systems count it from the day the notice is sent, hence `sent`; pass the day of receipt
    instead to count as the law counts other deadlines.
    """
    return _deadline("procedure.advance_notice_weeks", sent, "weeks", parameters)


def preliminary_answer_deadline(
    received: dt.date, *, parameters: ParameterSet | None = None
) -> Deadline:
    """Last day to decide an application or a klage, or else send a foreløpig svar
    (fvl. § 11 a tredje ledd: one month from the day NAV received it)."""
    return _deadline("procedure.preliminary_answer_months", received, "months", parameters)


def information_answer_deadline(
    sent: dt.date, *, parameters: ParameterSet | None = None
) -> Deadline:
    """The default last day to answer a request for information (opplysningsplikt).

    The length is NAV practice (`procedure.information_answer_weeks`, ftrl. § 21-3, fvl.
    § 17, unconfirmed), counted from the day the request is sent; the caseworker may set a
    later day. The date is offered as the request form's default, so the form, the letter
    and the person's page show the same day.
    """
    return _deadline("procedure.information_answer_weeks", sent, "weeks", parameters)


def gdpr_answer_deadline(received: dt.date, *, parameters: ParameterSet | None = None) -> Deadline:
    """Last day to answer a request under GDPR art. 15-22: one month from receipt (art. 12(3),
    `privacy.gdpr_answer_months`).

    GDPR is an EU act, so its periods are counted under Regulation 1182/71 art. 3: the day of
    receipt is not counted, a month ends on the same date of the next month (or that month's
    last day: 31 January gives 28 or 29 February), and an end on a Saturday, Sunday or public
    holiday moves to the next working day. These are the same rules as domstolloven §§ 148-149,
    so the count is the one every other deadline here uses. NAV's privacy statement promises
    30 days; the law's month is never shorter, except from 31 January (28 or 29 days) and in
    February, where the law's day is the one kept."""
    return _deadline("privacy.gdpr_answer_months", received, "months", parameters)


def gdpr_extended_deadline(
    received: dt.date, *, parameters: ParameterSet | None = None
) -> Deadline:
    """Last day to answer a GDPR request whose deadline was extended (art. 12(3): "by two
    further months"): counted from receipt, one month plus the extension
    (`privacy.gdpr_extension_months`), as one period of three months, then moved off a
    weekend or holiday. Counting from receipt (not from the first deadline, which may itself
    have been moved off a weekend) keeps the extended deadline on the date of receipt."""
    _check_date(received, "received")
    parameter_set = parameters if parameters is not None else default_ruleset().parameters
    answer = _deadline("privacy.gdpr_answer_months", received, "months", parameter_set)
    extension = parameter_set["privacy.gdpr_extension_months"]
    dated = extension.value_at(received)
    if not float(dated.value).is_integer() or dated.value < 0:
        raise ValueError(f"privacy.gdpr_extension_months on {received} is not whole months")
    count = answer.parameter_value + int(dated.value)
    raw_end = add_period(received, months=count)
    last_day = next_working_day(raw_end)
    skipped: list[str] = []
    day = raw_end
    while day < last_day:
        skipped.append(_non_working_reason(day))
        day += dt.timedelta(days=1)
    return Deadline(
        last_day=last_day,
        received=received,
        period=_period_text(count, "months"),
        legal_basis=extension.legal_basis,
        parameter="privacy.gdpr_extension_months",
        parameter_value=int(dated.value),
        moved_from=raw_end if last_day != raw_end else None,
        moved_because=tuple(skipped),
        source=dated.source,
        status=dated.status,
    )
