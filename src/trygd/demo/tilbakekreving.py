"""Demo tilbakekreving: two persons whose uføretrygd was paid for months when a reported
change from an earlier date lowered it, so a revurdering made a feilutbetaling.

- Pål: the revurdering came after the latest payment day; the forhåndsvarsel is sent and
  the comment period is running (he can answer it on his page).
- Siri: the revurdering came a month ago; she answered the varsel, a caseworker assessed it
  (she should have understood, simple negligence, no reduction), another approved it, and
  the latest payment run set off part of her payment against the claim.

Everything goes through the services with the clock set back, as in `demo.payments`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from trygd.demo.payments import Grant, _citizen, _employee, monthly_benefits_paid, payment_days
from trygd.services.clock import FixedClock
from trygd.services.facade import CaseService
from trygd.store.models import Person

CASEWORKER = "Z990201"
APPROVER = "Z990202"
# The reported change: a higher expected income from work lowers the uføretrygd (§ 12-14).
NEW_EXPECTED_INCOME = 320000


def _revurdering(
    past: CaseService, person: Person, sak_id: str, effective: dt.date, clock: FixedClock
) -> None:
    """The person reports a higher income from `effective`; a caseworker proposes the
    revurdering, another approves, and iverksetting settles the payments."""
    _status, change = past.report_change(
        _citizen(person),
        sak_id,
        {
            "effective_date": effective.isoformat(),
            "facts": {"expected_income": NEW_EXPECTED_INCOME},
            "description": "Jeg har fått fast jobb i redusert stilling.",
        },
    )
    behandling_id = change["behandling_id"]

    def act(user: str, action: str, **more: Any) -> None:
        current = past.get_behandling(_employee(user), behandling_id)
        past.behandling_action(
            _employee(user), action, behandling_id, {"version": current.version, **more}
        )

    act(CASEWORKER, "propose", reason="Ny inntekt fra arbeid etter endringsmelding.")
    clock.advance(dt.timedelta(hours=2))
    act(APPROVER, "approve")
    past.run_due_jobs()


def _case(past: CaseService, person: Person, sak_id: str) -> dict[str, Any]:
    return past.sak_tilbakekrevinger(_citizen(person), sak_id)[0]


def _first_month(past: CaseService, person: Person, sak_id: str) -> dt.date:
    sak = past.get_sak(_citizen(person), sak_id)
    first = min(dt.date.fromisoformat(v["effective_from"]) for v in sak["vedtak"])
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _forward(clock: FixedClock, day: dt.date) -> None:
    """Move the history's clock to 09:00 the day after `day`, never back."""
    clock.now = max(clock.now, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(9), dt.UTC))


REASON = "Inntektsevnen er varig nedsatt med 60 prosent."


def varsel_sent_grant(person: Person, today: dt.date, facts: dict[str, Any]) -> Grant:
    """Pål: paid for months; the revurdering and its varsel came after the last payment."""

    def between(
        past: CaseService, clock: FixedClock, day: dt.date, next_day: dt.date, sak_id: str
    ) -> None:
        if next_day != today:
            return
        _forward(clock, day)
        _revurdering(past, person, sak_id, _first_month(past, person, sak_id), clock)

    return Grant(person, facts, REASON, between=between)


def waiting_for_caseworker_grant(person: Person, today: dt.date, facts: dict[str, Any]) -> Grant:
    """Tor: the revurdering came after the second-last payment day and he did not answer the
    varsel; the deadline passed and the case waits in the unit's queue."""

    def between(
        past: CaseService, clock: FixedClock, day: dt.date, next_day: dt.date, sak_id: str
    ) -> None:
        if next_day != payment_days(today)[-1]:
            return
        _forward(clock, day)
        _revurdering(past, person, sak_id, _first_month(past, person, sak_id), clock)
        deadline = dt.date.fromisoformat(_case(past, person, sak_id)["comment_deadline"])
        clock.now = max(
            clock.now, dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(6), dt.UTC)
        )
        past.run_due_jobs()

    return Grant(person, facts, REASON, between=between)


def decided_grant(person: Person, today: dt.date, facts: dict[str, Any]) -> Grant:
    """Siri: the revurdering came after the second-last payment day; she answered the varsel,
    the tilbakekreving was decided before the last payment day, whose run set part of it
    off."""

    def between(
        past: CaseService, clock: FixedClock, day: dt.date, next_day: dt.date, sak_id: str
    ) -> None:
        if next_day != payment_days(today)[-1]:
            return
        _forward(clock, day)
        _revurdering(past, person, sak_id, _first_month(past, person, sak_id), clock)
        case = _case(past, person, sak_id)
        clock.advance(dt.timedelta(days=3))
        comment = "Jeg trodde beløpet allerede var justert etter den nye jobben."
        case = past.tilbakekreving_action(
            _citizen(person), "answer", case["id"], {"comment": comment}
        )
        clock.advance(dt.timedelta(days=2))
        reason = "Hun meldte endringen sent og burde forstått at beløpet var for høyt."
        version = past.get_tilbakekreving(_employee(CASEWORKER), case["id"])["version"]
        case = past.tilbakekreving_action(
            _employee(CASEWORKER),
            "assess",
            case["id"],
            {
                "version": version,
                "grounds": "forsto_eller_burde_forstatt",
                "culpability": "uaktsomhet",
                "reduction_percent": 0,
                "reason": reason,
            },
        )
        case = past.tilbakekreving_action(
            _employee(CASEWORKER),
            "propose",
            case["id"],
            {"version": case["version"], "recovery_method": "setoff"},
        )
        clock.advance(dt.timedelta(hours=3))
        past.tilbakekreving_action(
            _employee(APPROVER), "approve", case["id"], {"version": case["version"]}
        )
        past.run_due_jobs()

    return Grant(person, facts, REASON, between=between)


def _history(service: CaseService, today: dt.date, grants: list[Grant]) -> CaseService:
    return monthly_benefits_paid(
        service, today, "uforetrygd", grants, caseworker=CASEWORKER, approver=APPROVER
    )


def varsel_sent(
    service: CaseService, person: Person, today: dt.date, facts: dict[str, Any]
) -> None:
    _history(service, today, [varsel_sent_grant(person, today, facts)])


def waiting_for_caseworker(
    service: CaseService, person: Person, today: dt.date, facts: dict[str, Any]
) -> None:
    _history(service, today, [waiting_for_caseworker_grant(person, today, facts)])


def decided_and_set_off(
    service: CaseService, person: Person, today: dt.date, facts: dict[str, Any]
) -> None:
    _history(service, today, [decided_grant(person, today, facts)])
