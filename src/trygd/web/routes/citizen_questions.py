"""The questions of the application pages: one fact of the application format per page.

Each benefit's facts and their kinds come from the rules (`trygd.rules.benefits`), and each
citizen-answerable fact's question in plain words and its hint from the benefit's home
(`BenefitProfile.application`); here are the messages that say how to answer when the answer
cannot be used. Facts the register knows (birth date) or that a
caseworker finds out are not asked. `check` turns a typed answer into the stored text or an
error message; `facts_from` turns the stored answers into the facts of the application format.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from trygd.rules import formatting
from trygd.rules.benefits import BENEFITS, PROFILES
from trygd.rules.profiles import CLAIM_DATE as CLAIM_DATE
from trygd.rules.profiles import Question as Question
from trygd.services.intake import LONGEST_AHEAD
from trygd.web.forms import DATE_DOES_NOT_EXIST, NEGATIVE_AMOUNT, is_negative_number, read_date
from trygd.web.i18n import N_, Translator

# Each benefit's names and questions are declared in its home (`BenefitProfile`), as page
# texts; the questions are asked in the order given there.
BENEFIT_NAMES = {benefit: profile.names.heading for benefit, profile in PROFILES.items()}
# The same names inside a sentence ("Du får dagpenger."): Norwegian writes them in lower case.
BENEFIT_IN_TEXT = {benefit: profile.names.in_text for benefit, profile in PROFILES.items()}
QUESTIONS: dict[str, tuple[Question, ...]] = {
    benefit: profile.application.questions for benefit, profile in PROFILES.items()
}

MISSING = {
    "yesno": N_("Choose yes or no"),
    "money": N_("Write your income as a whole number of kroner"),
    "hours": N_("Write the number of hours a week"),
    "whole": N_("Write a whole number"),
    "percent": N_("Write a number from 0 to 100"),
    "date": N_("Write the date as dd.mm.yyyy"),
    "from_date": N_("Write the date as dd.mm.yyyy"),
    "period": N_("Write the date as dd.mm.yyyy"),
}
WRONG = {
    "yesno": N_("Choose yes or no"),
    "money": N_("Write your income as a whole number of kroner, for example 350000"),
    "hours": N_("Write the number of hours a week as a number from 0 to 168, for example 37.5"),
    "whole": N_("Write a whole number from 0 to %(maximum)s"),
    "percent": N_("Write a whole number from 0 to 100"),
    "date": N_("Write a real date as dd.mm.yyyy, no later than today"),
    "from_date": N_("Write a date from %(earliest)s to %(latest)s, as dd.mm.yyyy"),
    "period": N_("Write a real date as dd.mm.yyyy, no later than today"),
}
PERIOD_LAST_WRONG = N_("Write a real date as dd.mm.yyyy, no later than %(latest)s")
PERIOD_ORDER_WRONG = N_("The last day cannot be before the first day")
PERIOD_SEPARATOR = "/"
"""A "period" answer is stored as "FIRST/LAST" (ISO dates)."""


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
    if q.kind == "period":  # as `shown` writes it: first–last
        first, _, last = value.partition("\u2013")
        stored, problems = check_period(first, last, t, today)
        return stored, next(iter(problems.values()), None)
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


def check_period(
    first: str, last: str, t: Translator, today: dt.date
) -> tuple[str | None, dict[str, str]]:
    """A "period" answer typed as two dates: ("FIRST/LAST", {}) or (None, the message per
    field: "answer" for the first day, "answer_to" for the last). The first day is the claim
    date (no later than today: the sick leave has begun); the last may lie ahead, no further
    than the services take a claim."""
    problems: dict[str, str] = {}
    days: dict[str, dt.date] = {}
    for field, raw in (("answer", first), ("answer_to", last)):
        if not raw.strip():
            problems[field] = t.gettext(MISSING["period"])
            continue
        day, problem = read_date(raw)
        if problem == "calendar":
            problems[field] = t.gettext(DATE_DOES_NOT_EXIST)
        elif day is None or day.year < 1900:
            problems[field] = t.gettext(WRONG["period"])
        else:
            days[field] = day
    latest = today + LONGEST_AHEAD
    if "answer" in days and days["answer"] > today:
        problems["answer"] = t.gettext(WRONG["period"])
    if "answer_to" in days and days["answer_to"] > latest:
        problems["answer_to"] = t.gettext(PERIOD_LAST_WRONG, latest=latest.strftime("%d.%m.%Y"))
    if not problems and days["answer_to"] < days["answer"]:
        problems["answer_to"] = t.gettext(PERIOD_ORDER_WRONG)
    if problems:
        return None, problems
    return f"{days['answer'].isoformat()}{PERIOD_SEPARATOR}{days['answer_to'].isoformat()}", {}


def period_parts(stored: str) -> tuple[str, str]:
    """A stored "period" answer as the person typed its two days (dd.mm.yyyy)."""
    first, _, last = stored.partition(PERIOD_SEPARATOR)
    return tuple(_typed_date(day) for day in (first, last))  # type: ignore[return-value]


def _typed_date(stored: str) -> str:
    try:
        return dt.date.fromisoformat(stored).strftime("%d.%m.%Y")
    except ValueError:
        return stored


def check_against_others(
    benefit: str, fact: str, stored: str, answers: dict[str, str], t: Translator
) -> str | None:
    """A message when the answer cannot be true together with an earlier answer, else None.

    A benefit's home may name two amounts where the second covers a longer period that
    includes the first (`Application.nested_amounts`: dagpenger's income of the last 12 and
    36 months), so it cannot be smaller; the person is asked to check whichever of the two
    they answer last."""
    bounded = _bounded_by(benefit, fact, stored, answers, t)
    if bounded is not None:
        return bounded
    nested = PROFILES[benefit].application.nested_amounts if benefit in PROFILES else None
    if nested is None or fact not in nested:
        return None
    other_fact = nested[1 - nested.index(fact)]
    other = answers.get(other_fact)
    if other is None or not other.isdigit():
        return None
    shorter, longer = (int(stored), int(other))
    if fact == nested[1]:
        shorter, longer = longer, shorter
    if longer >= shorter:
        return None
    amount = formatting.kroner(int(other), t.language)
    if fact == nested[1]:
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


def _bounded_by(
    benefit: str, fact: str, stored: str, answers: dict[str, str], t: Translator
) -> str | None:
    """A message when a count is larger than the count that includes it (`Fact.at_most`:
    the children living with both parents are some of the children), whichever is answered
    last; None when they fit or the other is not answered."""
    facts = {f.name: f for f in BENEFITS[benefit].input_facts} if benefit in BENEFITS else {}
    part = facts.get(fact)
    if part is not None and part.at_most:
        smaller, larger_fact, other = stored, part.at_most, answers.get(part.at_most)
        if other is None or not other.isdigit() or not stored.isdigit():
            return None
        if int(smaller) <= int(other):
            return None
        other_question = question(benefit, larger_fact)
        asked = t.gettext(other_question.text) if other_question else larger_fact
        return t.gettext(
            "This is more than your answer to “%(question)s” (%(answer)s). Check both answers.",
            question=asked,
            answer=other,
        )
    for candidate in facts.values():
        if candidate.at_most != fact:
            continue
        part_answer = answers.get(candidate.name)
        if part_answer is None or not part_answer.isdigit() or not stored.isdigit():
            continue
        if int(part_answer) <= int(stored):
            continue
        part_question = question(benefit, candidate.name)
        asked = t.gettext(part_question.text) if part_question else candidate.name
        return t.gettext(
            "This is less than your answer to “%(question)s” (%(answer)s). Check both answers.",
            question=asked,
            answer=part_answer,
        )
    return None


def shown(q: Question, stored: str) -> str:
    """A stored answer as the person typed it back into the field ("period": both days,
    first–last, as the summary shows them)."""
    if q.kind in ("date", "from_date"):
        return _typed_date(stored)
    if q.kind == "period":
        return "\u2013".join(period_parts(stored))
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
    """The date the application is from: the person's answer where the benefit asks it, the
    first day of the period where it asks a period (the sick leave began then), else the day
    it is sent."""
    if question(benefit, CLAIM_DATE) is not None:
        return dt.date.fromisoformat(answers[CLAIM_DATE])
    period = next((q for q in QUESTIONS[benefit] if q.kind == "period"), None)
    if period is not None:
        return dt.date.fromisoformat(answers[period.fact].partition(PERIOD_SEPARATOR)[0])
    return today


def facts_from(benefit: str, answers: dict[str, str]) -> dict[str, Any]:
    """The facts of the application format from the stored answers (unanswered left out)."""
    application = PROFILES[benefit].application
    facts = {
        q.fact: fact_value(q, answers[q.fact])
        for q in QUESTIONS[benefit]
        if q.fact in answers and q.fact != CLAIM_DATE and q.kind != "period"
    }
    for q in QUESTIONS[benefit]:
        if q.kind == "period" and q.fact in answers:
            # One sick note: its days, and its grade from the grade question.
            first, _, last = answers[q.fact].partition(PERIOD_SEPARATOR)
            period: dict[str, Any] = {"from": first, "to": last}
            if application.period_grade is not None and application.period_grade in answers:
                period["grade"] = int(answers[application.period_grade])
            facts[q.fact] = [period]
    for looked_up in application.looked_up:
        facts[looked_up] = []  # e.g. earlier sick leave, which NAV looks up itself
    return facts
