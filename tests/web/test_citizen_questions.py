"""The application questions: typed answers checked in the question's own words, and turned
into facts the application format accepts."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from trygd.applications.inputs import parse_application
from trygd.web.i18n import translator
from trygd.web.routes import citizen_questions as q

TODAY = dt.date(2026, 11, 23)
NB = translator("nb")


@pytest.mark.parametrize(
    ("fact", "typed", "stored"),
    [
        ("income_12m", "420 000", "420000"),
        ("normal_working_hours", "37,5", "37.5"),
        ("children", "02", "2"),
        ("stays_in_norway", "yes", "yes"),
    ],
)
def test_good_answers_are_stored_plainly(fact, typed, stored):
    assert q.check(q.question("dagpenger", fact), typed, NB, TODAY) == (stored, None)


@pytest.mark.parametrize(
    ("benefit", "fact", "typed", "message"),
    [
        ("dagpenger", "income_12m", "", "Skriv inntekten din som et helt tall i kroner"),
        ("dagpenger", "income_12m", "-5", "Skriv inntekten din som et helt tall i kroner, for"),
        ("dagpenger", "normal_working_hours", "200", "fra 0 til 168"),
        ("dagpenger", "children", "31", "Skriv et helt tall fra 0 til 30"),
        ("dagpenger", "stays_in_norway", "maybe", "Velg ja eller nei"),
        ("aap", "capacity_reduced_date", "31.02.2025", "Skriv en gyldig dato"),
        ("aap", "capacity_reduced_date", "01.01.2027", "ikke senere enn i dag"),
        ("sykepenger", "sick_leave_grade", "101", "Skriv et helt tall fra 0 til 100"),
    ],
)
def test_bad_answers_say_how_to_answer(benefit, fact, typed, message):
    stored, problem = q.check(q.question(benefit, fact), typed, NB, TODAY)
    assert stored is None and problem is not None and message in problem


@pytest.mark.parametrize("benefit", sorted(q.QUESTIONS))
def test_every_benefits_answers_make_a_valid_application(benefit):
    answers = {}
    for question in q.QUESTIONS[benefit]:
        typed = {"yesno": "no", "date": "01.02.2025", "percent": "60", "hours": "37,5"}.get(
            question.kind, "3"
        )
        stored, problem = q.check(question, typed, NB, TODAY)
        assert problem is None
        answers[question.fact] = stored
    facts = q.facts_from(benefit, answers)
    body = {"benefit": benefit, "claim_date": TODAY.isoformat(), "facts": facts}
    assert parse_application(json.dumps(body)).facts.keys() == facts.keys()


@pytest.mark.parametrize(
    ("benefit", "fact", "stored"),
    [
        ("dagpenger", "income_12m", "420000"),
        ("dagpenger", "normal_working_hours", "37.5"),
        ("dagpenger", "normal_working_hours", "40"),
        ("dagpenger", "children", "2"),
        ("dagpenger", "stays_in_norway", "yes"),
        ("dagpenger", "stays_in_norway", "no"),
        ("sykepenger", "sick_leave_grade", "60"),
        ("aap", "capacity_reduced_date", "2025-02-10"),
    ],
)
def test_a_decided_fact_is_shown_as_the_person_would_type_it(benefit, fact, stored):
    """On a change, "we have registered" shows the vedtak's fact in the answer's own form:
    `shown_fact` undoes `fact_value`."""
    question = q.question(benefit, fact)
    assert q.shown_fact(question, q.fact_value(question, stored)) == q.shown(question, stored)


def test_a_fact_the_vedtak_lacks_or_cannot_show_is_not_shown():
    question = q.question("dagpenger", "income_12m")
    assert q.shown_fact(question, None) is None
    assert q.shown_fact(question, [{"year": 2024, "amount": 1}]) is None
    assert q.shown_fact(question, True) is None
