"""The questions of the application pages: one fact of the application format per page.

Each benefit's facts and their kinds come from the rules (`trygd.rules.benefits`); here each
citizen-answerable fact gets a question in plain words, a hint, and the messages that say how
to answer when the answer cannot be used. Facts the register knows (birth date) or that a
caseworker finds out are not asked. `check` turns a typed answer into the stored text or an
error message; `facts_from` turns the stored answers into the facts of the application format.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from trygd.rules import formatting
from trygd.services.intake import LONGEST_AHEAD
from trygd.web.forms import DATE_DOES_NOT_EXIST, NEGATIVE_AMOUNT, is_negative_number, read_date
from trygd.web.i18n import N_, Translator

BENEFIT_NAMES = {
    "dagpenger": N_("Dagpenger"),
    "sykepenger": N_("Sykepenger"),
    "aap": N_("Work assessment allowance (AAP)"),
    "uforetrygd": N_("Uføretrygd"),
}
# The same names inside a sentence ("Du får dagpenger."): Norwegian writes them in lower case.
BENEFIT_IN_TEXT = {
    "dagpenger": N_("dagpenger"),
    "sykepenger": N_("sykepenger"),
    "aap": N_("work assessment allowance (AAP)"),
    "uforetrygd": N_("uføretrygd"),
}


@dataclass(frozen=True)
class Question:
    fact: str
    kind: str  # yesno | money | hours | whole | percent | date | from_date
    text: str  # the page heading, an English message id
    hint: str | None = None
    maximum: int | None = None

    @property
    def field(self) -> str:
        return "answer"


Q = Question
# The date a person applies from is not a fact of the application but its `claim_date`.
CLAIM_DATE = "claim_date"
QUESTIONS: dict[str, tuple[Question, ...]] = {
    "dagpenger": (
        Q(
            CLAIM_DATE,
            "from_date",
            N_("From which date do you apply for dagpenger?"),
            N_(
                "Usually the first day you are out of work. Dagpenger are not paid for days "
                "before you apply. Write the date as dd.mm.yyyy."
            ),
        ),
        Q("stays_in_norway", "yesno", N_("Do you live in Norway now?")),
        Q(
            "income_12m",
            "money",
            N_("How much did you earn from work in the last 12 months?"),
            N_("Before tax, in whole kroner. Count wages and income as self-employed."),
        ),
        Q(
            "income_36m",
            "money",
            N_("How much did you earn from work in the last 36 months in all?"),
            N_("Before tax, in whole kroner. Include the last 12 months."),
        ),
        Q(
            "normal_working_hours",
            "hours",
            N_("How many hours a week did you usually work before?"),
            N_("Full time is usually 37.5 hours."),
            168,
        ),
        Q(
            "current_working_hours",
            "hours",
            N_("How many hours a week do you work now?"),
            N_("Write 0 if you do not work at all."),
            168,
        ),
        Q("registered_job_seeker", "yesno", N_("Are you registered as a job seeker with NAV?")),
        Q(
            "genuine_job_seeker",
            "yesno",
            N_("Can you take any suitable work, full time or part time, anywhere in Norway?"),
        ),
        Q(
            "self_inflicted_unemployment",
            "yesno",
            N_("Did you quit your job yourself, or were you dismissed through your own fault?"),
        ),
        Q("children", "whole", N_("How many children under 18 do you support?"), None, 30),
    ),
    "sykepenger": (
        Q(
            "folketrygd_member",
            "yesno",
            N_("Are you a member of folketrygden?"),
            N_("Most people who live or work in Norway are members."),
        ),
        Q(
            "days_in_work",
            "whole",
            N_("How many days have you been in work right before you fell ill?"),
            N_("Count calendar days. Days with dagpenger or sykepenger count as work."),
            36600,
        ),
        Q(
            "incapacity_due_to_illness",
            "yesno",
            N_("Is illness or injury the reason you cannot work?"),
        ),
        Q("loses_pensionable_income", "yesno", N_("Do you lose income because you are ill?")),
        Q(
            "yearly_income",
            "money",
            N_("What is your yearly income?"),
            N_("Before tax, in whole kroner. Usually your average monthly pay, times 12."),
        ),
        Q(
            "sick_leave_grade",
            "percent",
            N_("How many percent are you sick-listed?"),
            N_("Write 100 if you are fully sick-listed. The sick note (sykmelding) says it."),
        ),
        Q(
            "sick_leave_history",
            "yesno",
            N_("Have you received sykepenger in the last three years?"),
            N_("If you have, NAV finds the periods itself and counts the days."),
        ),
    ),
    "aap": (
        Q(
            "membership_years",
            "whole",
            N_("For how many years have you been a member of folketrygden?"),
            N_("Count whole years up to now."),
            100,
        ),
        Q("stays_in_norway", "yesno", N_("Do you live in Norway now?")),
        Q(
            "reduced_work_capacity",
            "percent",
            N_("How many percent is your ability to work reduced?"),
            N_("Your doctor's statement usually says it."),
        ),
        Q("illness_main_cause", "yesno", N_("Is illness or injury the main reason?")),
        Q(
            "occupational_injury",
            "yesno",
            N_("Is it caused by an injury or illness at work (yrkesskade)?"),
        ),
        Q(
            "needs_assistance",
            "yesno",
            N_("Do you need treatment or help from NAV to get or keep a job?"),
        ),
        Q(
            "capacity_reduced_date",
            "date",
            N_("When was your ability to work reduced by at least half?"),
            N_("Write the date as dd.mm.yyyy, for example 10.02.2025."),
        ),
        Q("children", "whole", N_("How many children do you support?"), None, 30),
    ),
    "uforetrygd": (
        Q(
            "membership_years",
            "whole",
            N_("For how many years have you been a member of folketrygden?"),
            N_("Count whole years up to now."),
            100,
        ),
        Q(
            "continued_membership",
            "yesno",
            N_("Have you been a member without a break for the last 5 years?"),
        ),
        Q(
            "treatment_completed",
            "yesno",
            N_("Have you completed the treatment that can help you work more?"),
        ),
        Q("illness_main_cause", "yesno", N_("Is illness or injury the main reason?")),
        Q(
            "earning_capacity_reduction",
            "percent",
            N_("How many percent is your ability to earn money reduced?"),
        ),
        Q("received_aap", "yesno", N_("Have you received work assessment allowance (AAP)?")),
        Q(
            "occupational_injury",
            "yesno",
            N_("Is it caused by an injury or illness at work (yrkesskade)?"),
        ),
        Q(
            "uforetidspunkt",
            "date",
            N_("From which date has your ability to earn been reduced?"),
            N_("Write the date as dd.mm.yyyy, for example 01.09.2024."),
        ),
        Q(
            "illness_onset_date",
            "date",
            N_("When did the illness start?"),
            N_("Write the date as dd.mm.yyyy, for example 15.10.2021."),
        ),
        Q("lives_with_partner", "yesno", N_("Do you live with a spouse or partner?")),
        Q("children", "whole", N_("How many children do you support?"), None, 30),
    ),
}

MISSING = {
    "yesno": N_("Choose yes or no"),
    "money": N_("Write your income as a whole number of kroner"),
    "hours": N_("Write the number of hours a week"),
    "whole": N_("Write a whole number"),
    "percent": N_("Write a number from 0 to 100"),
    "date": N_("Write the date as dd.mm.yyyy"),
    "from_date": N_("Write the date as dd.mm.yyyy"),
}
WRONG = {
    "yesno": N_("Choose yes or no"),
    "money": N_("Write your income as a whole number of kroner, for example 350000"),
    "hours": N_("Write the number of hours a week as a number from 0 to 168, for example 37.5"),
    "whole": N_("Write a whole number from 0 to %(maximum)s"),
    "percent": N_("Write a whole number from 0 to 100"),
    "date": N_("Write a real date as dd.mm.yyyy, no later than today"),
    "from_date": N_("Write a date from %(earliest)s to %(latest)s, as dd.mm.yyyy"),
}
# The two income questions of dagpenger: the 36 months include the last 12.
INCOME_PERIODS = ("income_12m", "income_36m")


def question(benefit: str, fact: str) -> Question | None:
    return next((q for q in QUESTIONS.get(benefit, ()) if q.fact == fact), None)


def after(benefit: str, fact: str) -> Question | None:
    questions = QUESTIONS[benefit]
    index = next(i for i, q in enumerate(questions) if q.fact == fact)
    return questions[index + 1] if index + 1 < len(questions) else None


def before(benefit: str, fact: str) -> Question | None:
    questions = QUESTIONS[benefit]
    index = next(i for i, q in enumerate(questions) if q.fact == fact)
    return questions[index - 1] if index > 0 else None


def first_unanswered(benefit: str, answers: dict[str, str]) -> Question | None:
    return next((q for q in QUESTIONS[benefit] if q.fact not in answers), None)


def check(q: Question, raw: str, t: Translator, today: dt.date) -> tuple[str | None, str | None]:
    """(the answer to store, None) or (None, the message to show next to the field)."""
    value = raw.strip()
    if not value:
        return None, t.gettext(MISSING[q.kind])
    if q.kind in ("date", "from_date"):
        return _check_date(q, value, t, today)
    wrong = t.gettext(WRONG[q.kind], maximum=q.maximum or 0)
    if q.kind == "yesno":
        return (value, None) if value in ("yes", "no") else (None, wrong)
    if q.kind == "money" and is_negative_number(value):
        return None, t.gettext(NEGATIVE_AMOUNT)
    number_text = value.replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if q.kind in ("money", "whole", "percent"):
        if not number_text.isdigit():
            return None, wrong
        limit = {"percent": 100, "whole": q.maximum, "money": 1_000_000_000}[q.kind]
        return (
            (number_text.lstrip("0") or "0", None)
            if int(number_text) <= (limit or 0)
            else (None, wrong)
        )
    try:
        hours = float(number_text)
    except ValueError:
        return None, wrong
    if not 0 <= hours <= (q.maximum or 168):
        return None, wrong
    return f"{hours:g}", None


def claim_date_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """The dates a person may apply from: not before today (nothing is paid for days before
    the claim), and no further ahead than the services take a claim."""
    return today, today + LONGEST_AHEAD


def _check_date(
    q: Question, value: str, t: Translator, today: dt.date
) -> tuple[str | None, str | None]:
    day, problem = read_date(value)
    if problem == "calendar":
        return None, t.gettext(DATE_DOES_NOT_EXIST)
    if q.kind == "from_date":
        earliest, latest = claim_date_range(today)
        if day is None or not earliest <= day <= latest:
            return None, t.gettext(
                WRONG["from_date"],
                earliest=earliest.strftime("%d.%m.%Y"),
                latest=latest.strftime("%d.%m.%Y"),
            )
        return day.isoformat(), None
    if day is None or day > today or day.year < 1900:
        return None, t.gettext(WRONG["date"])
    return day.isoformat(), None


def check_against_others(
    benefit: str, fact: str, stored: str, answers: dict[str, str], t: Translator
) -> str | None:
    """A message when the answer cannot be true together with an earlier answer, else None.

    The income of the last 36 months includes the income of the last 12, so it cannot be
    smaller; the person is asked to check whichever of the two they answer last."""
    if benefit != "dagpenger" or fact not in INCOME_PERIODS:
        return None
    other_fact = INCOME_PERIODS[1 - INCOME_PERIODS.index(fact)]
    other = answers.get(other_fact)
    if other is None or not other.isdigit():
        return None
    twelve, thirty_six = (int(stored), int(other))
    if fact == "income_36m":
        twelve, thirty_six = thirty_six, twelve
    if thirty_six >= twelve:
        return None
    amount = formatting.kroner(int(other), t.language)
    if fact == "income_36m":
        return t.gettext(
            "This is less than you earned in the last 12 months (%(amount)s). The 36 months "
            "include the last 12, so check both amounts.",
            amount=amount,
        )
    return t.gettext(
        "This is more than you earned in the last 36 months (%(amount)s). The 36 months "
        "include the last 12, so check both amounts.",
        amount=amount,
    )


def shown(q: Question, stored: str) -> str:
    """A stored answer as the person typed it back into the field."""
    if q.kind in ("date", "from_date"):
        try:
            return dt.date.fromisoformat(stored).strftime("%d.%m.%Y")
        except ValueError:
            return stored
    return stored


def shown_fact(q: Question, value: Any) -> str | None:
    """A fact's value from a vedtak as the person would type it (None if it has none):
    the inverse of `fact_value`, for "this is what we have registered" on a change."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if q.kind == "yesno":
        return "yes" if value is True else "no" if value is False else None
    if q.kind == "date":
        return shown(q, str(value))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return f"{value:g}" if isinstance(value, float) else str(value)


def fact_value(q: Question, stored: str) -> Any:
    if q.kind == "yesno":
        return stored == "yes"
    if q.kind == "date":
        return stored
    if q.kind in ("money", "hours"):
        number = float(stored)
        return int(number) if number.is_integer() else number
    return int(stored)


def first_problem(
    benefit: str, answers: dict[str, str], t: Translator, today: dt.date
) -> tuple[str, str] | None:
    """(fact, message) for the first stored answer that no longer holds, checked again as if
    typed now: a draft's "from" date may have passed, or two answers may contradict."""
    for q in QUESTIONS[benefit]:
        if q.fact not in answers:
            continue
        stored, problem = check(q, shown(q, answers[q.fact]), t, today)
        if problem is None and stored is not None:
            problem = check_against_others(benefit, q.fact, stored, answers, t)
        if problem is not None:
            return q.fact, problem
    return None


def claim_date_from(benefit: str, answers: dict[str, str], today: dt.date) -> dt.date:
    """The date the application is from: the person's answer where the benefit asks it,
    else the day it is sent."""
    asked = question(benefit, CLAIM_DATE) is not None
    return dt.date.fromisoformat(answers[CLAIM_DATE]) if asked else today


def facts_from(benefit: str, answers: dict[str, str]) -> dict[str, Any]:
    """The facts of the application format from the stored answers (unanswered left out)."""
    facts = {
        q.fact: fact_value(q, answers[q.fact])
        for q in QUESTIONS[benefit]
        if q.fact in answers and q.fact != CLAIM_DATE
    }
    if benefit == "sykepenger":
        facts["sick_leave_history"] = []  # earlier sick leave is looked up by NAV itself
    return facts
