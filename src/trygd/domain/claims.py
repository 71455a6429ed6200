"""One claim at a time: how far a granted benefit reaches, so a new søknad cannot double it.

A person has one sak per benefit, and in it one claim in process at a time. A new søknad is
refused while a behandling of the sak is open, and while a granted benefit is running: until
the last day the running grant can cover (`last_covered_day`). A claim from the day after it
is a new claim and stays possible; so is a new søknad after a rejection, or after a
revurdering has ended the benefit (the vedtak in force is then not a grant).

What "covered" means follows each chapter of folketrygdloven, as each benefit's home declares
it (`BenefitProfile.coverage`), counted from the day the claim took effect (the first vedtak
of the chain of vedtak that replaced one another). Today:

* dagpenger: the stønadsperiode of § 4-15 (`period_weeks` of the grant), as calendar weeks.
  Weeks without payment would lengthen it in practice; a claim inside the period is a
  gjenopptak of the running one, which here goes through an endringsmelding.
* sykepenger: until the maksdato of the grant (§ 8-12); a new sick leave after it is a new
  claim. Without a known maksdato the grant has no known end and covers every later date.
* AAP: the longest period of § 11-12 (`aap.max_period_years`, on the day the claim took
  effect). An extension (§ 11-12 second paragraph) is a revurdering, not a new søknad.
* uføretrygd: no end; it runs until the age limit of § 12-4, after which the age condition
  refuses any claim anyway. A higher uføregrad is reported as a change.

Dates earlier than the running claim are covered too: a grant from an earlier date would
overlap the running one; a wrong start date is a matter for a klage.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from trygd.rules import dates
from trygd.rules.assessment import default_ruleset
from trygd.rules.benefits import PROFILES
from trygd.rules.parameters import ParameterSet


def last_covered_day(
    benefit: str,
    start: dt.date,
    amounts: dict[str, Any],
    parameters: ParameterSet | None = None,
) -> dt.date | None:
    """The last day a grant of `benefit` that took effect on `start` can cover, from the
    amounts of the vedtak in force (`Assessment.to_dict()["amounts"]`); None: no known end."""
    coverage = PROFILES[benefit].coverage if benefit in PROFILES else None
    if coverage is None or coverage.kind == "no_end":
        return None
    if coverage.kind == "weeks_amount":
        weeks = amounts.get(coverage.name)
        if not isinstance(weeks, int | float):
            return None
        return start + dt.timedelta(weeks=int(weeks)) - dt.timedelta(days=1)
    if coverage.kind == "date_amount":
        day = amounts.get(coverage.name)
        return dt.date.fromisoformat(day) if isinstance(day, str) else None
    parameter_set = parameters if parameters is not None else default_ruleset().parameters
    years = int(parameter_set[coverage.name].value_at(start).value)
    end: dt.date = dates.add_years(start, years)
    return end - dt.timedelta(days=1)


def covers(last_day: dt.date | None, claim_date: dt.date) -> bool:
    """Whether a running grant that ends on `last_day` (None: no end) covers a claim from
    `claim_date`."""
    return last_day is None or claim_date <= last_day
