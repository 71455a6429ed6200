"""The questions of the application pages: one fact of the application format per page.

Each benefit's facts and their kinds come from the rules (`trygd.rules.benefits`); here each
citizen-answerable fact gets a question in plain words, a hint, and the messages that say how
to answer when the answer cannot be used. Facts the register knows (birth date) or that a
caseworker finds out are not asked. `check` turns a typed answer into the stored text or an
error message; `facts_from` turns the stored answers into the facts of the application format.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

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
    kind: str  # yesno | money | hours | whole | percent | date
    text: str  # the page heading, an English message id
    hint: str | None = None
    maximum: int | None = None

    @property
    def field(self) -> str:
        return "answer"


Q = Question
QUESTIONS: dict[str, tuple[Question, ...]] = {
    "dagpenger": (
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
            N_("Before tax, in whole kroner. Usually your last three months' pay times four."),
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
}
WRONG = {
    "yesno": N_("Choose yes or no"),
    "money": N_("Write your income as a whole number of kroner, for example 350000"),
    "hours": N_("Write the number of hours a week as a number from 0 to 168, for example 37.5"),
    "whole": N_("Write a whole number from 0 to %(maximum)s"),
    "percent": N_("Write a whole number from 0 to 100"),
    "date": N_("Write a real date as dd.mm.yyyy, no later than today"),
}


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
    wrong = t.gettext(WRONG[q.kind], maximum=q.maximum or 0)
    if q.kind == "yesno":
        return (value, None) if value in ("yes", "no") else (None, wrong)
    if q.kind == "date":
        match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value)
        try:
            day = dt.date(int(match[3]), int(match[2]), int(match[1])) if match else None
        except ValueError:
            day = None
        if day is None or day > today or day.year < 1900:
            return None, wrong
        return day.isoformat(), None
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


def shown(q: Question, stored: str) -> str:
    """A stored answer as the person typed it back into the field."""
    if q.kind == "date":
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


def facts_from(benefit: str, answers: dict[str, str]) -> dict[str, Any]:
    """The facts of the application format from the stored answers (unanswered left out)."""
    facts = {
        q.fact: fact_value(q, answers[q.fact]) for q in QUESTIONS[benefit] if q.fact in answers
    }
    if benefit == "sykepenger":
        facts["sick_leave_history"] = []  # earlier sick leave is looked up by NAV itself
    return facts
