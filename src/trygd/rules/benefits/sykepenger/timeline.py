"""The sick leave day by day: the arbeidsgiverperiode and the sykepengedager used.

`derive` in `rules.py` calls this module to turn the lists an application gives (the sick
notes, `sick_leave_periods`, and the earlier periods NAV paid, `sick_leave_history`) into
the flat facts the rules read. The rules themselves stay arithmetic on those facts, the same
for one application and for a population; only this summary walks through the days.

Two counts are made, both as NAV's sykepenger system makes them (navikt/helse-spleis):

* The arbeidsgiverperiode (ftrl. §§ 8-17 and 8-19; spleis `Arbeidsgiverperiodeteller`).
  Every day of sick leave counts, weekends included, up to 16 (`employer_period_days`).
  Every day between the sick-leave periods is a day at work: 16 such days in a row
  (`employer_period_gap_days`) end the count, and the next sick day starts a new
  arbeidsgiverperiode; fewer leave the count where it was, so a sick leave that starts
  within 16 days of the last one continues the same period. A day NAV paid sykepenger (the
  history) completes the period, so sick leave within 16 days after it has none.
  Simplification: spleis treats a weekend it knows nothing about inside an unfinished
  arbeidsgiverperiode as sick when sick leave follows it; here every day between the periods
  is a day at work, as the periods are the sick notes.
* The sykepengedager used (§ 8-12, § 8-51, § 8-3; spleis `Maksdatoberegning`). NAV pays
  the weekdays after the arbeidsgiverperiode (§ 8-11); a weekday with a grade under the
  minimum (§ 8-13) is refused and not counted. The days are counted until 248
  (`max_days`) are used, or 60 (`max_days_after_67`) after the 67th birthday; later days are
  refused, and so is every day from the 70th birthday. The three-year window is moved, as
  in spleis, to three years before the first day paid after a pause (a day without
  sykepenger); while the member stays sick it does not move.

The 26 weeks of § 8-12 second paragraph: a count of days without sykepenger starts after the
last day paid; when it reaches 182 (`reset_weeks` weeks), the days used no longer count. Two
readings, chosen by the parameter `sykepenger.reset_counts_nav_practice`:

* NAV's practice (1, the default; spleis `Maksdatoberegning`): every day without
  sykepenger counts, the days of a new arbeidsgiverperiode and the sick days refused after
  the maksdato included. When the 182 days are reached on refused sick days, the right
  comes back only after the next day at work (spleis `KaranteneTilstrekkeligOppholdNådd`).
* The law's words (0): "helt arbeidsfør i 26 uker". Only days not on sick leave count. Days
  in an arbeidsgiverperiode are passed over: § 8-12 second paragraph, second sentence, says
  that periods with sykepenger in the arbeidsgiverperiode are disregarded when it is judged
  whether the member has been fully fit, so they neither count nor break the 26 weeks. Any
  other sick day (refused after the maksdato, or under the minimum grade, or a weekend of
  sick leave) starts the count again. This is how this module counted before it followed
  NAV's practice (then only for the gap before a new incapacity).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from trygd.rules import dates

ONE_DAY = dt.timedelta(days=1)
SATURDAY = 5
"""`date.weekday()` of Saturday (Monday is 0): sykepengedager are Monday to Friday."""
PERCENT = 100
"""A grade is given in percent; the minimum grade is a share."""


def is_weekday(day: dt.date) -> bool:
    return day.weekday() < SATURDAY


def last_weekday_on_or_before(day: dt.date) -> dt.date:
    while not is_weekday(day):
        day -= ONE_DAY
    return day


def first_weekday_after(day: dt.date) -> dt.date:
    day += ONE_DAY
    while not is_weekday(day):
        day += ONE_DAY
    return day


class Day(Enum):
    """What a day is, for the two counts. A day the input does not mention is FIT."""

    EMPLOYER = "employer"
    """In the arbeidsgiverperiode: the employer pays."""
    PAID = "paid"
    """A weekday after the arbeidsgiverperiode, for NAV to pay (or, in the history, paid)."""
    LOW_GRADE = "low_grade"
    """A weekday after the arbeidsgiverperiode with a grade under the minimum (§ 8-13)."""
    SICK_WEEKEND = "sick_weekend"
    """A Saturday or Sunday of sick leave after the arbeidsgiverperiode (not paid, § 8-11)."""


@dataclass(frozen=True)
class Limits:
    """The numbers the counts need, from the benefit's parameters on `at`, and the birthdays
    (None when the birth date is not known: the age limits are then not applied)."""

    employer_period_days: int
    employer_period_gap_days: int
    reset_days: int
    lookback_years: int
    max_days: int
    max_days_after_67: int
    min_grade: float
    """A share (0.2); the grade on a sick note is in percent."""
    nav_practice: bool
    birthday_67: dt.date | None
    birthday_70: dt.date | None


# --- The arbeidsgiverperiode ----------------------------------------------------------------


@dataclass(frozen=True)
class EmployerPeriod:
    """The arbeidsgiverperiode of the last sick leave, and the first day after it."""

    last_day: dt.date
    """Its 16th day; where the sick leave ends before that, the day it would be reached if
    the member stayed sick without a break."""
    first_nav_day: dt.date
    """The first day of sick leave after it (NAV's first day), or the day after it."""
    nav_has_days: bool
    """Whether the sick leave goes on after it on at least one weekday."""


def classify(
    sick: dict[dt.date, float], paid_before: set[dt.date], limits: Limits
) -> tuple[dict[dt.date, Day], EmployerPeriod]:
    """Each day of sick leave (`sick`: day → grade) and of the history (`paid_before`, all
    before the sick leave) as a `Day`, and the arbeidsgiverperiode of the last sick leave."""
    kinds: dict[dt.date, Day] = {}
    counted = 0
    done = limits.employer_period_days <= 0
    period_end: dt.date | None = None
    previous: dt.date | None = None
    for day in sorted(sick.keys() | paid_before):
        if previous is not None and (day - previous).days - 1 >= limits.employer_period_gap_days:
            # Enough days at work in a row: the next sick day starts a new period.
            counted, done, period_end = 0, limits.employer_period_days <= 0, None
        if done and period_end is None:
            period_end = day - ONE_DAY  # no arbeidsgiverperiode at all (a reform of 0 days)
        previous = day
        if day in paid_before:
            done, period_end = True, day
            kinds[day] = Day.PAID if is_weekday(day) else Day.SICK_WEEKEND
        elif not done:
            counted += 1
            kinds[day] = Day.EMPLOYER
            if counted >= limits.employer_period_days:
                done, period_end = True, day
        elif not is_weekday(day):
            kinds[day] = Day.SICK_WEEKEND
        else:
            share = sick[day] / PERCENT
            kinds[day] = Day.PAID if share >= limits.min_grade else Day.LOW_GRADE
    last = max(sick)
    if done and period_end is not None:
        after = [day for day in sorted(sick) if day > period_end]
        return kinds, EmployerPeriod(
            last_day=period_end,
            first_nav_day=after[0] if after else period_end + ONE_DAY,
            nav_has_days=any(is_weekday(day) for day in after),
        )
    end = last + dt.timedelta(days=limits.employer_period_days - counted)
    return kinds, EmployerPeriod(end, end + ONE_DAY, nav_has_days=False)


# --- The sykepengedager used ----------------------------------------------------------------


class State(Enum):
    """Where the count stands (spleis `Maksdatoberegning.State`)."""

    NONE = "none"  # no days counted (Initiell)
    SICK = "sick"  # paid yesterday or sick since (Syk)
    PAUSE = "pause"  # days without sykepenger since the last day paid (Opphold)
    USED_UP = "used_up"  # every day used: later days are refused (Karantene)
    USED_UP_RESTED = "used_up_rested"  # 26 weeks reached while sick (spleis only)
    TOO_OLD = "too_old"  # from the 70th birthday: every day refused (ForGammel)


@dataclass
class _Count:
    limits: Limits
    state: State = State.NONE
    used: list[dt.date] = field(default_factory=list)
    """The days counted, oldest first."""
    rest: int = 0
    """Days counted towards the 26 weeks since the last day paid."""

    def _reset(self) -> None:
        self.state, self.used, self.rest = State.NONE, [], 0

    def _after_payment(self) -> None:
        limits = self.limits
        over_67 = self.used_after_67()
        if len(self.used) >= limits.max_days or (
            over_67 is not None and over_67 >= limits.max_days_after_67
        ):
            self.state = State.USED_UP
        else:
            self.state = State.SICK

    def used_after_67(self) -> int | None:
        birthday = self.limits.birthday_67
        if birthday is None:
            return None
        return len(self.used) - bisect_right(self.used, birthday)

    def _rest_day(self, counts: bool) -> None:
        """A day without sykepenger (spleis `oppholdsdag`); `counts` says whether it counts
        towards the 26 weeks or starts them again."""
        if self.state in (State.NONE, State.TOO_OLD):
            return
        if self.state is State.USED_UP_RESTED:
            self._reset()
            return
        self.rest = self.rest + 1 if counts else 0
        if self.state is State.SICK:
            self.state = State.PAUSE
        if self.rest >= self.limits.reset_days:
            self._reset()

    def _refused(self, counts: bool) -> None:
        """A sick day after every day is used (spleis `håndterBetalbarDagEtterMaksdato`)."""
        if self.state is State.USED_UP:
            self.rest = self.rest + 1 if counts else 0
            if self.rest >= self.limits.reset_days:
                self.state = State.USED_UP_RESTED

    def fit(self, days: int, last: dt.date) -> None:
        """`days` days in a row not on sick leave, the last of them `last`."""
        birthday = self.limits.birthday_70
        if birthday is not None and birthday <= last:
            self.state = State.TOO_OLD
            return
        if self.state in (State.NONE, State.TOO_OLD):
            return
        if self.state is State.USED_UP_RESTED:
            self._reset()
            return
        if self.state is State.SICK:
            self.state = State.PAUSE
        self.rest += days
        if self.rest >= self.limits.reset_days:
            self._reset()

    def day(self, day: dt.date, kind: Day) -> None:
        limits = self.limits
        if limits.birthday_70 is not None and day >= limits.birthday_70:
            self.state = State.TOO_OLD
        practice = limits.nav_practice
        if kind is Day.EMPLOYER:
            # Spleis counts the days of a new arbeidsgiverperiode as days without sykepenger;
            # the law's words pass over them (§ 8-12 second paragraph, second sentence).
            if practice:
                self._rest_day(counts=True)
            elif self.state is State.SICK:
                self.state = State.PAUSE
            return
        if kind is Day.SICK_WEEKEND:
            if self.state in (State.PAUSE, State.USED_UP):
                if self.state is State.USED_UP:
                    self._refused(counts=practice)
                else:
                    self._rest_day(counts=practice)
            return
        if kind is Day.LOW_GRADE:
            if self.state in (State.USED_UP, State.USED_UP_RESTED, State.TOO_OLD):
                self._refused(counts=practice)
            else:
                self._rest_day(counts=practice)
            return
        # A day NAV pays, if it can.
        if self.state in (State.USED_UP, State.USED_UP_RESTED, State.TOO_OLD):
            self._refused(counts=practice)
            return
        if self.state is State.PAUSE:
            window = dates.add_years(day, -limits.lookback_years)
            self.used = [paid for paid in self.used if paid >= window]
        self.used.append(day)
        self.rest = 0
        self._after_payment()

    def window_at(self, day: dt.date) -> None:
        """Move the three-year window to `day`, the next day NAV would pay, as spleis does at
        the first day paid after a pause."""
        if self.state is State.PAUSE:
            window = dates.add_years(day, -self.limits.lookback_years)
            self.used = [paid for paid in self.used if paid >= window]


@dataclass(frozen=True)
class Used:
    """The sykepengedager used, as counted up to the end of the sick leave."""

    days: tuple[dt.date, ...]
    """The days counted, oldest first."""
    state: State

    def after(self, birthday: dt.date) -> int:
        return len(self.days) - bisect_right(self.days, birthday)


def count_used(kinds: dict[dt.date, Day], limits: Limits, window_at: dt.date | None) -> Used:
    """Walk through the days in `kinds` (and the days at work between them) and count the
    sykepengedager used. `window_at`: move the three-year window to this day at the end
    when the count is paused there (the first day NAV would pay in a sick leave that is
    taken to go on)."""
    count = _Count(limits)
    previous: dt.date | None = None
    for day in sorted(kinds):
        if previous is not None and (day - previous).days > 1:
            count.fit((day - previous).days - 1, day - ONE_DAY)
        count.day(day, kinds[day])
        previous = day
    if window_at is not None:
        count.window_at(window_at)
    return Used(tuple(count.used), count.state)


def merged(periods: Iterable[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """Periods in date order, overlapping or adjoining ones joined."""
    joined: list[tuple[dt.date, dt.date]] = []
    for start, end in sorted(periods):
        if end < start:
            continue
        if joined and start <= joined[-1][1] + ONE_DAY:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return joined


def days_of(periods: Iterable[tuple[dt.date, dt.date]]) -> set[dt.date]:
    found: set[dt.date] = set()
    for start, end in periods:
        day = start
        while day <= end:
            found.add(day)
            day += ONE_DAY
    return found
