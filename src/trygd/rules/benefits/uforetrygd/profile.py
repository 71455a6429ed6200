"""Uføretrygd besides its rules: names, questions, letter wording, routing, automation, guide."""

from __future__ import annotations

from trygd.rules.profiles import (
    L_,
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

ID = "uforetrygd"

QUESTIONS: tuple[Question, ...] = (
    Q(
        "membership_years",
        "whole",
        P_("For how many years have you been a member of folketrygden?"),
        P_("Count whole years up to now."),
        100,
    ),
    Q(
        "continued_membership",
        "yesno",
        P_("Have you been a member without a break for the last 5 years?"),
    ),
    Q(
        "treatment_completed",
        "yesno",
        P_("Have you completed the treatment that can help you work more?"),
    ),
    Q("illness_main_cause", "yesno", P_("Is illness or injury the main reason?")),
    Q(
        "earning_capacity_reduction",
        "percent",
        P_("How many percent is your ability to earn money reduced?"),
    ),
    Q("received_aap", "yesno", P_("Have you received work assessment allowance (AAP)?")),
    Q(
        "occupational_injury",
        "yesno",
        P_("Is it caused by an injury or illness at work (yrkesskade)?"),
    ),
    Q(
        "uforetidspunkt",
        "date",
        P_("From which date has your ability to earn been reduced?"),
        P_("Write the date as dd.mm.yyyy, for example 01.09.2024."),
    ),
    Q(
        "illness_onset_date",
        "date",
        P_("When did the illness start?"),
        P_("Write the date as dd.mm.yyyy, for example 15.10.2021."),
    ),
    Q("lives_with_partner", "yesno", P_("Do you live with a spouse or partner?")),
    Q("children", "whole", P_("How many children do you support?"), None, 30),
    Q(
        "children_with_both_parents",
        "whole",
        P_("How many of these children live with both you and their other parent?"),
        P_("Write 0 if none, or if you support no children."),
        30,
    ),
    Q(
        "expected_income",
        "money",
        P_("How much do you expect to earn from work in a year besides uføretrygd?"),
        P_(
            "Before tax, in whole kroner. Count wages and income as self-employed. Write 0 if none."
        ),
    ),
    Q(
        "other_income",
        "money",
        P_("How much do you get in a year in other pensions and benefits, or from abroad?"),
        P_(
            "Before tax, in whole kroner. For example a pension from your employer. "
            "Write 0 if none."
        ),
    ),
    Q(
        "other_parent_income",
        "money",
        P_("How much does the other parent of those children earn in a year?"),
        P_(
            "Before tax, in whole kroner, without uføretrygd or pension from NAV. Write 0 if no "
            "child lives with both of you."
        ),
    ),
    Q(
        "other_parent_pension",
        "money",
        P_("How much does the other parent get in uføretrygd or pension from NAV in a year?"),
        P_("Before tax, in whole kroner. Write 0 if none, or if no child lives with both of you."),
    ),
)
"""The income before uførhet and the trygdetid are not asked: NAV fixes them (§§ 12-9 and
12-12), and until then they are missing and a caseworker completes them."""

PROFILE = BenefitProfile(
    id=ID,
    names=Names(
        heading=P_("Uføretrygd"),
        in_text=P_("uføretrygd"),
        staff=P_("uføretrygd"),
        stops=P_("Your uføretrygd stops from %(day)s."),
        letter=L_("disability benefit"),
        letter_title=L_("disability benefit (uføretrygd)"),
    ),
    application=Application(QUESTIONS),
    changeable={
        "earning_capacity_reduction": P_("How much your ability to earn money is reduced"),
        "lives_with_partner": P_("Whether you live with a spouse or partner"),
        "children": P_("How many children you support"),
        "children_with_both_parents": P_("How many of the children live with both parents"),
        "expected_income": P_("How much you expect to earn from work"),
        "other_income": P_("Other pensions and benefits, or income from abroad"),
        "other_parent_income": P_("The other parent's income"),
        "other_parent_pension": P_("The other parent's uføretrygd or pension from NAV"),
    },
    letters=Letters(
        headline=("monthly_amount", "month"),
        payment=(L_("We pay disability benefit once a month."),),
        changes=(
            L_("your income changes"),
            L_("you move abroad"),
            L_("you marry, move in with a partner or separate"),
            L_("the number of children you support changes"),
        ),
    ),
    routing=Routing(
        unit="4405",
        klageinstans=("4292", "4293", "4294", "4295"),
        source=f"{SRC_VEDTAKSENHETER} (UFO_UFO); {SRC_KLAGEENHETER} (UFO_UFO)",
        status="unconfirmed",
        note=(
            "Kabal lists eight regional NAY units as first instance for uføretrygd; how "
            "NAV splits the country between them was not found, so all cases go to the "
            "first listed, 4405"
        ),
    ),
    automation=Automation(
        False, "Reduced earning capacity (ftrl. § 12-7) needs a caseworker's judgement."
    ),
    # No end: it runs until the age limit of § 12-4; a higher uføregrad is a change.
    coverage=Coverage("no_end"),
    guide=Guide(
        situations={"reduced": 2, "disabled": 1},
        facts={"earning_capacity_reduction": "reduction"},
    ),
    payments=Payments(
        "per_month",
        amounts=(("", "monthly_amount"), ("_barnetillegg", "child_supplement_monthly")),
        legal_basis="payment_uforetrygd",
    ),
    health_data=True,
    regulation=Regulation(
        True,
        "ftrl. § 12-11",
        "ftrl. § 1-4 (G): uføretrygd is counted from the inntekt før uførhet in G and is "
        "regulated every year with G",
        "unconfirmed",
        "The section on regulering of uføretrygd was not read on lovdata; § 12-11 is inferred.",
    ),
)
