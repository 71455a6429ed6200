"""Grading AAP for work in a meldeperiode, folketrygdloven § 11-23, as a pure function.

The meldekort (a later part of trygd) report the hours a member worked in each meldeperiode
of two weeks. § 11-23 turns them into the share of the day rate that is paid for the period:

- the share worked is the hours worked over the normal working time of the period (75 hours
  for a full period of 10 weekdays, scaled down for a shorter one), at most 100 %;
- payment is 100 % less the larger of the share worked and the work capacity NAV has fixed
  (fastsatt arbeidsevne, § 11-23 second ledd; 0 where NAV has fixed none);
- if the share worked is above the limit (60 %; 70 % where a recognised yrkesskade is the
  cause; 80 % in a period of arbeidsopptrapping, which overrides the other two), nothing is
  paid for the period. Exactly the limit is still paid.

Rounding follows NAV's AAP system (navikt/aap-behandlingsflyt `GraderingArbeidRegel`): the
share worked is rounded HALF_UP to three decimals (0.1 %) and then, as every `Prosent` there,
HALF_UP to whole percent; the fixed work capacity is a whole percent as well. So 45.3 hours of
75 (60.4 %) counts as 60 % and is paid at 40 %, while 45.375 hours (60.5 %) counts as 61 % and
is above the limit. The comparison with the limit is made on those whole percents
(`Vurdering.arbeiderMindreEnnGrenseverdi`: grenseverdi >= andelArbeid).

The function works on one meldeperiode (Python numbers) and on many at once (NumPy arrays),
through `trygd.rules.ops`, like the benefit's rules. The numbers come from the parameters
(`aap.working_hours_per_meldeperiode`, `aap.weekdays_per_meldeperiode`, `aap.max_work_share*`)
resolved on the date of the meldeperiode: `resolve(parameters, GRADERING_PARAMETERS, day)`.
The three decimals and whole percents are NAV's rounding, not law, and stay in this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np

from trygd.rules import ops

GRADERING_PARAMETERS = {
    "hours_per_meldeperiode": "aap.working_hours_per_meldeperiode",
    "weekdays_per_meldeperiode": "aap.weekdays_per_meldeperiode",
    "max_work_share": "aap.max_work_share",
    "max_work_share_occupational_injury": "aap.max_work_share_occupational_injury",
    "max_work_share_opptrapping": "aap.max_work_share_opptrapping",
}
"""Short names of the parameters `grade_for_work` reads, for `trygd.rules.parameters.resolve`."""

PER_MILLE = 1000
"""NAV rounds the share worked to three decimals first (0.1 %, `RoundingMode.HALF_UP`)."""

PER_MILLE_IN_PERCENT = 10
"""... and then to whole percent (`Prosent` keeps two decimals of the ratio)."""

FULL_PERCENT = 100


class Reason(IntEnum):
    """Why the payment is what it is; the numbers are the codes of an array of periods."""

    NOT_REDUCED = 0
    """No work and no fixed work capacity: the whole day rate is paid."""
    HOURS_WORKED = 1
    """The share worked is the larger (or equal): payment is 100 % less the share worked."""
    WORK_CAPACITY = 2
    """The fixed work capacity is the larger: payment is 100 % less the work capacity."""
    ABOVE_LIMIT = 3
    """The share worked is above the limit: nothing is paid for the meldeperiode."""


@dataclass(frozen=True)
class Gradering:
    """The grading of one meldeperiode (or of many, as arrays), in whole percent (0-100)."""

    payment_percent: Any
    share_worked_percent: Any
    work_capacity_percent: Any
    limit_percent: Any
    reason: Any
    """A `Reason` for one period; an array of its codes for many."""


def grade_for_work(
    hours_worked: Any,
    work_capacity_percent: Any,
    p: Any,
    *,
    weekdays: Any = None,
    occupational_injury: Any = False,
    opptrapping: Any = False,
) -> Gradering:
    """The share of the day rate paid for a meldeperiode with `hours_worked` hours of work.

    `work_capacity_percent` is the fastsatt arbeidsevne (0-100; 0 where NAV has fixed none),
    `weekdays` the weekdays of the period with a right to AAP (default: a full period),
    `occupational_injury` whether AAP is given because of a recognised yrkesskade, and
    `opptrapping` whether the period is in arbeidsopptrapping. `p` holds the parameters of
    `GRADERING_PARAMETERS` resolved on the period's date. Raises ValueError, naming the
    argument, for hours below zero, a work capacity outside 0-100 or weekdays outside 1 to a
    full period.
    """
    full_weekdays = p.weekdays_per_meldeperiode
    if weekdays is None:
        weekdays = full_weekdays
    _check("hours_worked", hours_worked, 0, None)
    _check("work_capacity_percent", work_capacity_percent, 0, FULL_PERCENT)
    _check("weekdays", weekdays, 1, full_weekdays)
    # hours x full weekdays x 1000 / (normal hours x weekdays): exact for hours in halves and
    # quarters, so a share of exactly x.5 per mille rounds up as NAV's BigDecimal does.
    per_mille = ops.round_half_up(
        hours_worked * full_weekdays * PER_MILLE / (p.hours_per_meldeperiode * weekdays)
    )
    per_mille = ops.minimum(per_mille, float(PER_MILLE))
    share = ops.round_half_up(per_mille / PER_MILLE_IN_PERCENT)
    capacity = ops.round_half_up(work_capacity_percent)
    limit_ratio = ops.where(
        opptrapping,
        p.max_work_share_opptrapping,
        ops.where(occupational_injury, p.max_work_share_occupational_injury, p.max_work_share),
    )
    limit = ops.round_half_up(limit_ratio * FULL_PERCENT)
    above = share > limit
    graded = FULL_PERCENT - ops.maximum(share, capacity)
    payment = ops.where(above, 0.0, graded)
    reason = ops.where(
        above,
        int(Reason.ABOVE_LIMIT),
        ops.where(
            (share == 0) & (capacity == 0),
            int(Reason.NOT_REDUCED),
            ops.where(share >= capacity, int(Reason.HOURS_WORKED), int(Reason.WORK_CAPACITY)),
        ),
    )
    if not isinstance(reason, np.ndarray):
        reason = Reason(int(reason))
    return Gradering(payment, share, capacity, limit, reason)


def _check(name: str, value: Any, low: float, high: float | None) -> None:
    """Refuse a value outside [low, high] (or NaN), naming the argument."""
    values = np.asarray(value, dtype=np.float64)
    bad = np.isnan(values) | (values < low)
    if high is not None:
        bad |= values > high
    if np.any(bad):
        upper = f" and at most {high:g}" if high is not None else ""
        raise ValueError(f"{name} must be at least {low:g}{upper}, got {value!r}")
