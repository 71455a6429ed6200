"""Demo data: invented persons with synthetic identity numbers, and cases in every state.

The cases are made through the same services as real ones (applications, casework, jobs),
so their events, tasks and audit trail are what the system itself writes. Running it twice
changes nothing: it stops if the first demo person exists.

Last, the real G-regulering (`CaseService.regulate`) runs for the G in force on `today`, so
the demo's running grants are left as a running system would have them: Ulf's uføretrygd,
granted under the G before, gets its automatic regulering vedtak with the new amount; the
grants made under today's G come out unchanged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from trygd.demo import tilbakekreving as tilbakekreving_demo
from trygd.demo.payments import Grant, monthly_benefits_paid
from trygd.demo.users import BY_ID
from trygd.domain import meldekort
from trygd.domain.identity import synthetic_identity_number
from trygd.privacy.policy import Actor, Role, clearances_from, roles_from
from trygd.rules.assessment import default_ruleset
from trygd.rules.benefits.dagpenger import DAGPENGER
from trygd.rules.benefits.dagpenger.rules import MONTHS_PER_PERIOD, earning_months, month_text
from trygd.services.clock import FixedClock
from trygd.services.facade import CaseService
from trygd.services.unit_of_work import RequestContext
from trygd.store.models import PaymentDetails, Person


@dataclass(frozen=True)
class DemoPerson:
    name: str
    birth_date: dt.date
    municipality: str
    protection: str = "none"
    skjermet: bool = False
    language: str = "nb"  # målform: the language of their letters
    tax_card: dict[str, Any] | None = None  # None: the demo's mix (`demo_tax_card`)


PERSONS = (
    DemoPerson("Anna Dahl", dt.date(1985, 3, 14), "0301"),
    DemoPerson("Bjørn Lie", dt.date(1990, 3, 1), "4601", language="en"),
    DemoPerson("Camilla Berg", dt.date(1995, 8, 21), "5001"),
    DemoPerson("David Hansen", dt.date(1984, 5, 12), "0301"),
    DemoPerson("Eli Strand", dt.date(1973, 11, 20), "0301"),
    DemoPerson("Frank Moen", dt.date(1980, 1, 30), "0301"),
    DemoPerson("Gro Nilsen", dt.date(1978, 4, 12), "4601", language="nn"),
    DemoPerson("Hege Vik", dt.date(1969, 9, 2), "1103"),
    DemoPerson("Ivar Holm", dt.date(1982, 12, 5), "0301", protection="strengt_fortrolig"),
    DemoPerson("Jorunn Lund", dt.date(1988, 6, 17), "3301", skjermet=True),
    DemoPerson("Knut Aas", dt.date(1979, 2, 28), "5001"),
    DemoPerson("Liv Sand", dt.date(1991, 10, 9), "0301"),
    DemoPerson("Mona Eide", dt.date(1987, 7, 3), "0301"),
    # Nora sends her dagpenger meldekort and is paid: a percentage card, so that the demo's
    # own journey does not stop at a held payment.
    DemoPerson(
        "Nora Berge",
        dt.date(1986, 1, 22),
        "0301",
        tax_card={"kind": "percentage", "percentage": "25"},
    ),
    DemoPerson(
        "Oda Fjeld",
        dt.date(1967, 4, 18),
        "0301",
        tax_card={"kind": "percentage", "percentage": "30"},
    ),
    # Uføretrygd paid for months, then lowered from an earlier date: a feilutbetaling (issue 17).
    DemoPerson(
        "Pål Rud", dt.date(1966, 5, 5), "0301", tax_card={"kind": "percentage", "percentage": "30"}
    ),
    DemoPerson(
        "Tor Bakke",
        dt.date(1968, 2, 2),
        "0301",
        tax_card={"kind": "percentage", "percentage": "30"},
    ),
    DemoPerson(
        "Siri Dale",
        dt.date(1965, 9, 14),
        "0301",
        tax_card={"kind": "percentage", "percentage": "30"},
    ),
    # Rune gets AAP and must send meldekort: his card tells of illness (health data), so its
    # pages ask for ID-porten's high level (issue 18).
    DemoPerson(
        "Rune Myhre",
        dt.date(1983, 8, 9),
        "0301",
        tax_card={"kind": "percentage", "percentage": "30"},
    ),
    # Uføretrygd granted under the G before today's, regulated at the end of the seed.
    DemoPerson("Ulf Holt", dt.date(1964, 10, 3), "0301"),
)
G = "common.grunnbelop"
# Mona's klage was sent on to NAV Klageinstans this long ago, so the person's time to
# comment on the statement is over and the klage is ready to decide.
KLAGE_HISTORY_DAYS = 60


def _monthly_income(claim: dt.date, last_12m: int, income_36m: int) -> list[dict[str, Any]]:
    """Income per month as a-inntekt would give it: `last_12m` spread evenly over the last 12
    months of the earning period of `claim`, the rest of `income_36m` over the 24 before."""
    params = default_ruleset().params(DAGPENGER, claim)
    window = [month_text(m) for m in earning_months(claim, int(params.reporting_deadline_day))]
    months: list[dict[str, Any]] = []
    for names, total in (
        (window[:MONTHS_PER_PERIOD], last_12m),
        (window[MONTHS_PER_PERIOD:], income_36m - last_12m),
    ):
        share, rest = divmod(total, len(names))
        months += [{"month": m, "amount": share} for m in names]
        months[-len(names)]["amount"] += rest
    return months


def _dagpenger(claim: dt.date, income_12m: int | None, income_36m: int = 720000) -> dict[str, Any]:
    """A dagpenger application; with the income per month unless `income_12m` is None (the
    income is then missing, and a caseworker must find it)."""
    facts: dict[str, Any] = {
        "stays_in_norway": True,
        "normal_working_hours": 37.5,
        "current_working_hours": 0,
        "registered_job_seeker": True,
        "genuine_job_seeker": True,
        "self_inflicted_unemployment": False,
        "children": 2,
    }
    if income_12m is not None:
        facts["monthly_income"] = _monthly_income(claim, income_12m, income_36m)
    return facts


def _sykepenger(yearly_income: int | None) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "folketrygd_member": True,
        "days_in_work": 1200,
        "incapacity_due_to_illness": True,
        "loses_pensionable_income": True,
        "sick_leave_grade": 100,
        "sick_leave_history": [],
        "employer_refund": False,
    }
    if yearly_income is not None:
        facts["yearly_income"] = yearly_income
    return facts


def _aap(capacity: int | None) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "membership_years": 20,
        "stays_in_norway": True,
        "occupational_injury": False,
        "illness_main_cause": True,
        "needs_assistance": True,
        "capacity_reduced_date": "2025-02-10",
        "income_history": [
            {"year": 2022, "amount": 480000},
            {"year": 2023, "amount": 495000},
            {"year": 2024, "amount": 510000},
        ],
        "children": 1,
    }
    if capacity is not None:
        facts["reduced_work_capacity"] = capacity
    return facts


def _uforetrygd(reduction: int | None) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "membership_years": 25,
        "continued_membership": True,
        "treatment_completed": True,
        "illness_main_cause": True,
        "received_aap": False,
        "occupational_injury": False,
        "uforetidspunkt": "2024-09-01",
        "illness_onset_date": "2021-10-15",
        "lives_with_partner": True,
        "children": 1,
        "children_with_both_parents": 1,
        # NAV fixes these two (ftrl. §§ 12-9 and 12-12); the demo gives them as NAV set them.
        "trygdetid_years": 40,
        "income_before_uforhet": 490000,
        "expected_income": 196000,
        "other_income": 0,
        "other_parent_income": 250000,
        "other_parent_pension": 0,
        "income_history": [
            {"year": year, "amount": amount}
            for year, amount in zip(
                range(2018, 2024), (455000, 470000, 485000, 498000, 320000, 260000), strict=True
            )
        ],
    }
    if reduction is not None:
        facts["earning_capacity_reduction"] = reduction
    return facts


def _employee(user: str) -> RequestContext:
    e = BY_ID[user]
    return RequestContext(
        Actor(e.id, e.name, roles_from(e.roles), e.unit, None, clearances_from(e.clearances))
    )


def _citizen(person: Person) -> RequestContext:
    return RequestContext(
        Actor(f"person:{person.id}", person.name, frozenset({Role.CITIZEN}), None, str(person.id))
    )


def _sak_of(service: CaseService, person: Person) -> str:
    """The id of the person's one case (as the person sees it)."""
    items = service.list_own_cases(_citizen(person), 1, 0)["items"]
    return str(items[0]["id"])


def _klage_ready_to_decide(service: CaseService, person: Person, today: dt.date) -> None:
    """Mona was turned down for dagpenger two months ago, appealed, and Nav Arbeid og ytelser
    sent the klage on to NAV Klageinstans; the comment period has passed since. The history
    is made through the services with their clock set back, so every date is one the
    system itself would have written."""
    start = dt.datetime.combine(
        today - dt.timedelta(days=KLAGE_HISTORY_DAYS), dt.time(9), tzinfo=dt.UTC
    )
    clock = FixedClock(start)
    past = CaseService(service.engine, dataclasses.replace(service.settings, clock=clock))
    citizen = _citizen(person)
    claim = start.date() - dt.timedelta(days=7)
    body = {
        "benefit": "dagpenger",
        "claim_date": claim.isoformat(),
        "facts": _dagpenger(claim, 110000, 160000),
    }
    past.submit_application(citizen, body)
    past.run_due_jobs()
    clock.advance(dt.timedelta(days=5))
    vedtak_id = past.get_sak(citizen, _sak_of(past, person))["vedtak"][0]["id"]
    klage = past.submit_klage(
        citizen,
        {
            "vedtak_id": vedtak_id,
            "text": "Jeg hadde inntekt fra to arbeidsgivere i fjor. Den ene er ikke tatt med.",
        },
    )[1]
    clock.advance(dt.timedelta(days=4))
    past.klage_action(
        _employee("Z990301"),
        "forward",
        klage["id"],
        {
            "version": klage["version"],
            "statement": "Begge arbeidsforholdene er med i a-ordningen, og inntekten er under "
            "1,5 G. Vi holder fast ved vedtaket.",
        },
    )
    past.run_due_jobs()


def _privacy_requests(service: CaseService, by_name: dict[str, Person]) -> None:
    """Requests under GDPR art. 15-22 at Nav Frogner: one open, one extended (a restriction,
    so David's processing is restricted), one answered."""
    kari = _employee("Z990101")
    service.submit_privacy_request(
        _citizen(by_name["Anna"]),
        {"kind": "access", "text": "Hvem har dere gitt opplysningene mine til det siste året?"},
    )
    restriction = service.submit_privacy_request(
        _citizen(by_name["David"]),
        {"kind": "restriction", "text": "Inntekten dere har registrert for 2025 er feil."},
    )
    service.extend_privacy_request(
        kari,
        restriction["id"],
        {"reason": "Vi må hente inntektsopplysninger fra Skatteetaten før vi kan svare."},
    )
    correction = service.submit_privacy_request(
        _citizen(by_name["Liv"]),
        {"kind": "correction", "text": "Adressen min er feil i brevet fra november."},
    )
    service.answer_privacy_request(
        kari,
        correction["id"],
        {"outcome": "granted", "answer": "Vi har rettet adressen din i saken."},
    )


def g_in_force_from(today: dt.date) -> dt.date:
    """The day the G in force on `today` took effect (normally 1 May, ftrl. § 1-4)."""
    return default_ruleset().parameters[G].value_at(today).start


def _granted_under_the_g_before(service: CaseService, person: Person, today: dt.date) -> None:
    """Ulf applied for uføretrygd two months before the G in force today took effect and was
    granted it a month before (proposed and approved by two caseworkers), so his vedtak used
    the G before; the regulering at the end of the seed raises it. Made on a clock set back,
    after the payment histories, so their runs do not pay him."""
    g_from = g_in_force_from(today)
    claim = g_from - dt.timedelta(days=60)
    clock = FixedClock(dt.datetime.combine(claim, dt.time(10), tzinfo=dt.UTC))
    past = CaseService(service.engine, dataclasses.replace(service.settings, clock=clock))
    body = {"benefit": "uforetrygd", "claim_date": claim.isoformat(), "facts": _uforetrygd(60)}
    case = past.submit_application(_citizen(person), body)[1]
    clock.now = dt.datetime.combine(g_from - dt.timedelta(days=30), dt.time(10), tzinfo=dt.UTC)
    for user, action, more in (
        ("Z990201", "propose", {"reason": "Inntektsevnen er varig nedsatt med 60 prosent."}),
        ("Z990202", "approve", {}),
    ):
        current = past.get_behandling(_employee(user), case["behandling_id"])
        past.behandling_action(
            _employee(user), action, case["behandling_id"], {"version": current.version, **more}
        )
    past.run_due_jobs()


def meldekort_claim_date(today: dt.date) -> dt.date:
    """The first day of the latest meldeperiode whose card can be sent today: Nora's
    dagpenger run from then, so she has one open meldekort (in time, unless today falls on
    the Monday to Thursday of the second week, when NAV's calendar has no card open in time
    and hers is late)."""
    period = meldekort.period_containing(today)
    while not meldekort.schedule(period).is_open(today):
        period = meldekort.Meldeperiode(period.number - 1)
    return period.start


def _aap_meldekort_to_send(service: CaseService, person: Person, today: dt.date) -> None:
    """Rune gets AAP from the start of the same meldeperiode as Nora's dagpenger (see
    `meldekort_claim_date`), proposed by a caseworker at Nav Frogner and approved by a
    second one, so he has one AAP meldekort to send."""
    claim = meldekort_claim_date(today)
    body = {"benefit": "aap", "claim_date": claim.isoformat(), "facts": _aap(60)}
    case = service.submit_application(_citizen(person), body)[1]
    for user, action in (("Z990101", "propose"), ("Z990102", "approve")):
        current = service.get_behandling(_employee(user), case["behandling_id"])
        extra = {"reason": "Arbeidsevnen er nedsatt med 60 prosent."} if action == "propose" else {}
        service.behandling_action(
            _employee(user),
            action,
            case["behandling_id"],
            {"version": current.version, **extra},
        )
    service.run_due_jobs()


def _meldekort_to_send(service: CaseService, person: Person, today: dt.date) -> None:
    """Nora gets dagpenger, granted automatically, from the start of the meldeperiode whose
    meldekort she can send now (see `meldekort_claim_date`)."""
    claim = meldekort_claim_date(today)
    body = {
        "benefit": "dagpenger",
        "claim_date": claim.isoformat(),
        "facts": _dagpenger(claim, 300000),
    }
    service.submit_application(_citizen(person), body)
    service.run_due_jobs()


_KONTONUMMER_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def demo_account(index: int) -> str:
    """A valid Norwegian account number (kontonummer, MOD 11 check digit) for demo person
    `index`: bank registration number 1503 (invented for the demo), the rest counted up,
    skipping numbers whose check digit would be 10 (those are never issued)."""
    number = 1503_000_000 + index * 7
    while True:
        digits = f"{number:010d}"
        remainder = sum(int(d) * w for d, w in zip(digits, _KONTONUMMER_WEIGHTS, strict=True)) % 11
        check = 0 if remainder == 0 else 11 - remainder
        if check != 10:
            return digits + str(check)
        number += 1


def demo_tax_card(index: int) -> dict[str, Any] | None:
    """Tax cards for the demo persons: mostly percentage cards; every fifth has none (so 50 %
    is withheld) and every seventh a table card without a table amount (held, with a task)."""
    if index % 7 == 6:
        return {"kind": "table", "table_number": "8010"}
    if index % 5 == 4:
        return None
    return {"kind": "percentage", "percentage": str(25 + index % 3 * 5)}


def seed(service: CaseService, today: dt.date | None = None) -> bool:
    """Create the demo persons and cases; False if they were there already."""
    today = today or dt.date.today()
    numbers = [synthetic_identity_number(p.birth_date, index) for index, p in enumerate(PERSONS)]
    with service.sessions.begin() as session:
        if session.scalar(select(Person.id).where(Person.identity_number == numbers[0])):
            return False
        persons = []
        for number, p in zip(numbers, PERSONS, strict=True):
            person = Person(
                id=uuid.uuid4(),
                identity_number=number,
                name=p.name,
                birth_date=p.birth_date,
                municipality=p.municipality,
                protection=p.protection,
                skjermet=p.skjermet,
                language=p.language,
                created_at=dt.datetime.now(dt.UTC),
            )
            session.add(person)
            persons.append(person)
        session.flush()
        for index, person in enumerate(persons):
            session.add(
                PaymentDetails(
                    person_id=person.id,
                    account_number=demo_account(index),
                    account_source="demo",
                    tax_card=PERSONS[index].tax_card or demo_tax_card(index),
                    tax_card_year=today.year,
                    updated_at=dt.datetime.now(dt.UTC),
                )
            )
    by_name = {p.name.split()[0]: p for p in persons}
    # Oda's uføretrygd has been paid for months (made first, so its payment runs in the past
    # see only these cases, as they would have then); the bank rejected her latest payment.
    # Pål's, Tor's and Siri's were paid alike, then lowered from an earlier date: Pål's
    # revurdering made a feilutbetaling and a varsel; Tor did not answer his and the case is
    # in the queue; Siri's tilbakekreving is decided and the latest payment run set part of
    # her payment off against it (one payment run per day for all of them).
    monthly_benefits_paid(
        service,
        today,
        "uforetrygd",
        [
            Grant(
                by_name["Oda"],
                _uforetrygd(60),
                "Inntektsevnen er varig nedsatt med 60 prosent.",
                reject_last=True,
            ),
            tilbakekreving_demo.varsel_sent_grant(by_name["Pål"], today, _uforetrygd(60)),
            tilbakekreving_demo.waiting_for_caseworker_grant(
                by_name["Tor"], today, _uforetrygd(60)
            ),
            tilbakekreving_demo.decided_grant(by_name["Siri"], today, _uforetrygd(60)),
        ],
        caseworker="Z990201",
        approver="Z990202",
    )
    _granted_under_the_g_before(service, by_name["Ulf"], today)
    claim = today - dt.timedelta(days=10)

    def apply(first_name: str, benefit: str, facts: dict[str, Any]) -> dict[str, Any]:
        body = {"benefit": benefit, "claim_date": claim.isoformat(), "facts": facts}
        return service.submit_application(_citizen(by_name[first_name]), body)[1]

    def act(user: str, action: str, case: dict[str, Any], **body: Any) -> dict[str, Any]:
        current = service.get_behandling(_employee(user), case["behandling_id"])
        return service.behandling_action(
            _employee(user),
            action,
            case["behandling_id"],
            {"version": current.version, **body},
        )

    # Automatic decisions: granted (then a reported change), granted, rejected.
    anna = apply("Anna", "dagpenger", _dagpenger(claim, 260000))
    apply("Bjørn", "sykepenger", _sykepenger(420000))
    apply("Camilla", "dagpenger", _dagpenger(claim, 90000, 150000))
    service.run_due_jobs()
    service.report_change(
        _citizen(by_name["Anna"]),
        anna["sak_id"],
        {"effective_date": today.isoformat(), "facts": {"children": 3}},
    )
    # AAP at Nav Frogner: waiting in the queue, proposed, waiting for information, returned.
    apply("David", "aap", _aap(60))
    eli = apply("Eli", "aap", _aap(70))
    act("Z990101", "propose", eli, reason="Arbeidsevnen er nedsatt med 70 prosent.")
    frank = apply("Frank", "aap", _aap(None))
    act(
        "Z990101",
        "request_information",
        frank,
        description="Send legeerklæring som viser hvor mye arbeidsevnen er nedsatt.",
        facts_requested=["reduced_work_capacity"],
        deadline=(today + dt.timedelta(days=21)).isoformat(),
    )
    liv = apply("Liv", "aap", _aap(55))
    act("Z990101", "propose", liv)
    act("Z990102", "return", liv, reason="Legeerklæringen er eldre enn tre måneder; be om ny.")
    # Uføretrygd: approved by a second person; and one with an undetermined condition.
    gro = apply("Gro", "uforetrygd", _uforetrygd(60))
    act("Z990201", "propose", gro, reason="Inntektsevnen er varig nedsatt med 60 prosent.")
    act("Z990202", "approve", gro)
    hege = apply("Hege", "uforetrygd", _uforetrygd(None))
    act(
        "Z990201",
        "assess",
        hege,
        condition="uforetrygd.reduced_earning_capacity",
        facts={"earning_capacity_reduction": 50},
        reason="Uttalelse fra lege og arbeidsgiver viser 50 prosent nedsatt inntektsevne.",
    )
    # A protected person (Nav Vikafossen), a skjermet person, a missing income.
    apply("Ivar", "aap", _aap(65))
    apply("Jorunn", "sykepenger", _sykepenger(None))
    apply("Knut", "dagpenger", _dagpenger(claim, None))
    service.run_due_jobs()
    # Camilla appeals her rejection; Nav Arbeid og ytelser keeps its decision and sends the
    # klage to NAV Klageinstans (Lise's queue). Bjørn complains about the service.
    camilla = service.submit_klage(
        _citizen(by_name["Camilla"]),
        {
            "vedtak_id": service.get_sak(
                _citizen(by_name["Camilla"]), _sak_of(service, by_name["Camilla"])
            )["vedtak"][0]["id"],
            "text": "Jeg mener inntekten fra ekstrajobben min mangler i beregningen.",
        },
    )[1]
    service.klage_action(
        _employee("Z990301"),
        "forward",
        camilla["id"],
        {
            "version": camilla["version"],
            "statement": "Inntekten er hentet fra a-ordningen og er under 1,5 G. "
            "Vi holder fast ved vedtaket.",
        },
    )
    _klage_ready_to_decide(service, by_name["Mona"], today)
    _meldekort_to_send(service, by_name["Nora"], today)
    _aap_meldekort_to_send(service, by_name["Rune"], today)
    service.submit_serviceklage(
        _citizen(by_name["Bjørn"]),
        {
            "text": "Jeg fikk ikke svar på meldingen min om sykepengene på tre uker.",
            "sak_id": _sak_of(service, by_name["Bjørn"]),  # so it goes to Nav's sykepenger unit
        },
    )
    _privacy_requests(service, by_name)
    service.run_due_jobs()
    # Caseworkers look at cases, so the persons' access logs have entries.
    service.get_sak(_employee("Z990102"), eli["sak_id"])
    service.get_sak(_employee("Z990201"), gro["sak_id"])
    # The G-regulering for the G in force today, as the yearly run does it.
    service.regulate(g_in_force_from(today))
    return True
