"""Dagpenger besides its rules: names, questions, letter wording, routing, automation, guide."""

from __future__ import annotations

from trygd.rules.profiles import (
    CLAIM_DATE,
    L_,
    MELDEKORT,
    P_,
    SRC_KLAGEENHETER,
    SRC_VEDTAKSENHETER,
    Application,
    Automation,
    BenefitProfile,
    Coverage,
    Guide,
    Letters,
    Names,
    Payments,
    Question,
    Regulation,
    Routing,
)
from trygd.rules.profiles import Question as Q

ID = "dagpenger"

QUESTIONS: tuple[Question, ...] = (
    Q(
        CLAIM_DATE,
        "from_date",
        P_("From which date do you apply for dagpenger?"),
        P_(
            "Usually the first day you are out of work. Dagpenger are not paid for days "
            "before you apply. Write the date as dd.mm.yyyy."
        ),
    ),
    Q("stays_in_norway", "yesno", P_("Do you live in Norway now?")),
    # The person is asked the two sums, not the income of each of 36 months: the sums decide
    # the minimum income (§ 4-4) and the period (§ 4-15) exactly as the months would, so a
    # rejection is automatic. The basis (§ 4-11) indexes each month by G; without the months
    # (from a-inntekt, given by a caseworker or through the API as `monthly_income`) it is
    # undetermined and the claim goes to a caseworker.
    Q(
        "income_12m",
        "money",
        P_("How much did you earn from work in the last 12 months?"),
        P_("Before tax, in whole kroner. Count wages and income as self-employed."),
    ),
    Q(
        "income_36m",
        "money",
        P_("How much did you earn from work in the last 36 months in all?"),
        P_("Before tax, in whole kroner. Include the last 12 months."),
    ),
    Q(
        "normal_working_hours",
        "hours",
        P_("How many hours a week did you usually work before?"),
        P_("Full time is usually 37.5 hours."),
        168,
    ),
    Q(
        "current_working_hours",
        "hours",
        P_("How many hours a week do you work now?"),
        P_("Write 0 if you do not work at all."),
        168,
    ),
    Q("registered_job_seeker", "yesno", P_("Are you registered as a job seeker with NAV?")),
    Q(
        "genuine_job_seeker",
        "yesno",
        P_("Can you take any suitable work, full time or part time, anywhere in Norway?"),
    ),
    Q(
        "self_inflicted_unemployment",
        "yesno",
        P_("Did you quit your job yourself, or were you dismissed through your own fault?"),
    ),
    Q("children", "whole", P_("How many children under 18 do you support?"), None, 30),
)

PROFILE = BenefitProfile(
    id=ID,
    names=Names(
        heading=P_("Dagpenger"),
        in_text=P_("dagpenger"),
        staff=P_("dagpenger"),
        stops=P_("Your dagpenger stop from %(day)s."),
        letter=L_("unemployment benefit"),
        letter_title=L_("unemployment benefit (dagpenger)"),
    ),
    # The 36 months include the last 12.
    application=Application(QUESTIONS, nested_amounts=("income_12m", "income_36m")),
    changeable={
        "current_working_hours": P_("How many hours a week you work"),
        "children": P_("How many children you support"),
        "stays_in_norway": P_("Whether you live in Norway"),
    },
    letters=Letters(
        headline=("total_daily", "day"),
        payment=MELDEKORT,
        days_parameter="dagpenger.meldeperiode_days",
        changes=(
            L_("you start working, also if it is part-time"),
            L_("you become ill"),
            L_("you are going abroad"),
            L_("you start an education or a course"),
            L_("the number of children you support changes"),
        ),
    ),
    routing=Routing(
        unit="4450",
        klageinstans=("4291", "4250"),
        source=f"{SRC_VEDTAKSENHETER} (DAG_DAG); {SRC_KLAGEENHETER} (DAG_DAG)",
        status="confirmed",
        note="4450 is the domestic dagpenger unit in Kabal's list of first-instance units",
    ),
    automation=Automation(
        True,
        "All conditions are assessed from register and application facts; the basis needs the "
        "income per month from a-inntekt, without which a caseworker completes it.",
    ),
    # The stønadsperiode of § 4-15, as calendar weeks.
    coverage=Coverage("weeks_amount", "period_weeks"),
    guide=Guide(
        situations={"unemployed": 1},
        facts={
            "stays_in_norway": "lives_in_norway",
            "income_12m": "income",
            "income_36m": "income_3y",
            "normal_working_hours": "hours_before",
            "current_working_hours": "hours_now",
        },
    ),
    payments=Payments("per_meldekort", legal_basis="payment_dagpenger"),
    regulation=Regulation(
        False,
        "ftrl. § 4-11",
        "NAV's dagpenger: the dagpengegrunnlag is fixed on the claim date (dp-behandling "
        "indexes the months to the G of the claim date and keeps it)",
        "unconfirmed",
        "Running dagpenger are taken not to follow a new G; not read in the law itself.",
    ),
)
