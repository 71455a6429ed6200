"""AAP besides its rules: names, questions, letter wording, routing, automation, guide."""

from __future__ import annotations

from trygd.rules.profiles import (
    L_,
    MELDEKORT,
    P_,
    SRC_AAP_OPPGAVE,
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

ID = "aap"

QUESTIONS: tuple[Question, ...] = (
    Q(
        "membership_years",
        "whole",
        P_("For how many years have you been a member of folketrygden?"),
        P_("Count whole years up to now."),
        100,
    ),
    Q("stays_in_norway", "yesno", P_("Do you live in Norway now?")),
    Q(
        "reduced_work_capacity",
        "percent",
        P_("How many percent is your ability to work reduced?"),
        P_("Your doctor's statement usually says it."),
    ),
    Q("illness_main_cause", "yesno", P_("Is illness or injury the main reason?")),
    Q(
        "occupational_injury",
        "yesno",
        P_("Is it caused by an injury or illness at work (yrkesskade)?"),
    ),
    Q(
        "needs_assistance",
        "yesno",
        P_("Do you need treatment or help from NAV to get or keep a job?"),
    ),
    Q(
        "capacity_reduced_date",
        "date",
        P_("When was your ability to work reduced by at least half?"),
        P_("Write the date as dd.mm.yyyy, for example 10.02.2025."),
    ),
    Q("children", "whole", P_("How many children do you support?"), None, 30),
)

PROFILE = BenefitProfile(
    id=ID,
    names=Names(
        heading=P_("Work assessment allowance (AAP)"),
        in_text=P_("work assessment allowance (AAP)"),
        staff=P_("AAP"),
        stops=P_("Your work assessment allowance (AAP) stops from %(day)s."),
        letter=L_("work assessment allowance"),
        letter_title=L_("work assessment allowance (AAP)"),
    ),
    application=Application(QUESTIONS),
    changeable={
        "reduced_work_capacity": P_("How much your ability to work is reduced"),
        "children": P_("How many children you support"),
        "stays_in_norway": P_("Whether you live in Norway"),
    },
    letters=Letters(
        headline=("total_daily", "day"),
        payment=MELDEKORT,
        days_parameter="aap.meldeperiode_days",
        changes=(
            L_("you start working, or work more"),
            L_("you stop a treatment or a measure we have agreed on"),
            L_("you get other benefits or a pension"),
            L_("you are going abroad"),
            L_("the number of children you support changes"),
        ),
    ),
    routing=Routing(
        unit=None,
        klageinstans=("4291", "4293", "4250"),
        source=f"{SRC_VEDTAKSENHETER} (AAP_AAP); {SRC_AAP_OPPGAVE}; {SRC_KLAGEENHETER}",
        status="confirmed",
        note=(
            "local offices are first instance for AAP and NAV's AAP task service routes "
            "local-office tasks by geografisk tilknytning; the NAY part of AAP "
            "(Nav arbeid og ytelser, 4491) is not modelled"
        ),
    ),
    automation=Automation(
        False, "Reduced work capacity (ftrl. § 11-5) needs a caseworker's judgement."
    ),
    # The longest period of § 11-12; an extension is a revurdering, not a new søknad.
    coverage=Coverage("years_parameter", "aap.max_period_years"),
    guide=Guide(
        situations={"ill": 2, "reduced": 1, "disabled": 2},
        facts={"stays_in_norway": "lives_in_norway", "reduced_work_capacity": "reduction"},
    ),
    payments=Payments("per_meldekort", legal_basis="payment_aap"),
    health_data=True,
    regulation=Regulation(
        True,
        "ftrl. § 11-31",
        "ftrl. § 1-4 (G) and ch. 11: the grunnlag is counted in G and the minimum is 2.041 G "
        "(navikt/aap-behandlingsflyt computes tilkjent ytelse per G period)",
        "unconfirmed",
        "The section on regulering of AAP was not read on lovdata; § 11-31 is inferred.",
    ),
)
