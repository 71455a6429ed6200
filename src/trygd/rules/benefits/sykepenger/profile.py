"""Sykepenger besides its rules: names, questions, letter wording, routing, automation, guide."""

from __future__ import annotations

from trygd.rules.profiles import (
    L_,
    P_,
    SRC_ENHET,
    SRC_KLAGEENHETER,
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

ID = "sykepenger"

QUESTIONS: tuple[Question, ...] = (
    Q(
        "sick_leave_periods",
        "period",
        P_("When are you on sick leave?"),
        P_("Write the first and the last day on your sick note (sykmelding)."),
    ),
    Q(
        "folketrygd_member",
        "yesno",
        P_("Are you a member of folketrygden?"),
        P_("Most people who live or work in Norway are members."),
    ),
    Q(
        "days_in_work",
        "whole",
        P_("How many days have you been in work right before you fell ill?"),
        P_("Count calendar days. Days with dagpenger or sykepenger count as work."),
        36600,
    ),
    Q(
        "incapacity_due_to_illness",
        "yesno",
        P_("Is illness or injury the reason you cannot work?"),
    ),
    Q("loses_pensionable_income", "yesno", P_("Do you lose income because you are ill?")),
    Q(
        "yearly_income",
        "money",
        P_("What is your yearly income?"),
        P_("Before tax, in whole kroner. Usually your average monthly pay, times 12."),
    ),
    Q(
        "sick_leave_grade",
        "percent",
        P_("How many percent are you sick-listed?"),
        P_("Write 100 if you are fully sick-listed. The sick note (sykmelding) says it."),
    ),
    Q(
        "employer_refund",
        "yesno",
        P_("Does your employer keep paying your salary while you are sick?"),
        P_(
            "Then NAV pays the sykepenger to your employer instead of to you (refund). "
            "Ask your employer if you are not sure."
        ),
    ),
    Q(
        "sick_leave_history",
        "yesno",
        P_("Have you received sykepenger in the last three years?"),
        P_("If you have, NAV finds the periods itself and counts the days."),
    ),
)

PROFILE = BenefitProfile(
    id=ID,
    names=Names(
        heading=P_("Sykepenger"),
        in_text=P_("sykepenger"),
        staff=P_("sykepenger"),
        stops=P_("Your sykepenger stop from %(day)s."),
        letter=L_("sickness benefit"),
        letter_title=L_("sickness benefit (sykepenger)"),
    ),
    # Earlier sick leave is looked up by NAV itself. The pages ask one sick note (its first day
    # is the claim date) and take its grade from the grade question; the API takes a list.
    application=Application(
        QUESTIONS, looked_up=("sick_leave_history",), period_grade="sick_leave_grade"
    ),
    changeable={
        "sick_leave_grade": P_("How many percent you are sick-listed"),
        "yearly_income": P_("Your yearly income"),
    },
    letters=Letters(
        headline=("daily_payment", "day"),
        payment=(
            L_("Some employers keep paying your salary while you are sick."),
            L_("We then pay the sickness benefit to your employer instead (refund)."),
            L_("Otherwise we pay it to you."),
            L_("We pay after you have sent us your application for each period of sick leave."),
        ),
        changes=(
            L_("you start working again, fully or partly"),
            L_("you take holiday"),
            L_("you are going abroad"),
            L_("your job ends"),
        ),
        payment_from="first_payment_day",
        payment_intro=(L_("Your employer pays you for the first {days} days you are sick."),),
        days_parameter="sykepenger.employer_period_days",
    ),
    routing=Routing(
        unit="4488",
        klageinstans=("4291", "4292", "4294", "4295"),
        source=f"{SRC_ENHET} (4488 Nav AY Sykepenger); {SRC_KLAGEENHETER} (SYK_SYK)",
        status="unconfirmed",
        note=(
            "Kabal lists ten regional NAY units (and local offices) as first instance for "
            "sykepenger; how NAV splits the country between them was not found, so all "
            "cases go to NAV's sykepenger unit 4488"
        ),
    ),
    automation=Automation(
        True, "All conditions are assessed from sykmelding, employer and A-ordningen."
    ),
    # Until the maksdato of the grant (§ 8-12); none known: no known end.
    coverage=Coverage("date_amount", "maksdato"),
    guide=Guide(
        situations={"ill": 1},
        facts={"yearly_income": "income", "sick_leave_grade": "reduction"},
    ),
    payments=Payments(
        "per_weekday",
        amounts=(("", "daily_payment"),),
        periods_fact="sick_leave_periods",
        first_day_amount="first_payment_day",
        first_refused_day_amount="first_refused_day",
        legal_basis="payment_sykepenger",
    ),
    health_data=True,
    regulation=Regulation(
        True,
        "ftrl. § 8-10",
        "navikt/helse-spleis regulates a running sykepengegrunnlag when G changes (the 6 G cap "
        "follows the new G; the income itself does not change)",
        "unconfirmed",
        "Only the 6 G cap moves, so a grant below 6 G keeps its amount.",
    ),
)
