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
        ("dagpenger", "income_12m", "5 kr", "Skriv inntekten din som et helt tall i kroner, for"),
        ("dagpenger", "normal_working_hours", "200", "fra 0 til 168"),
        ("dagpenger", "children", "31", "Skriv et helt tall fra 0 til 30"),
        ("dagpenger", "stays_in_norway", "maybe", "Velg ja eller nei"),
        ("aap", "capacity_reduced_date", "2025-02-10", "Skriv en gyldig dato"),
        ("aap", "capacity_reduced_date", "01.01.2027", "ikke senere enn i dag"),
        ("sykepenger", "sick_leave_grade", "101", "Skriv et helt tall fra 0 til 100"),
    ],
)
def test_bad_answers_say_how_to_answer(benefit, fact, typed, message):
    stored, problem = q.check(q.question(benefit, fact), typed, NB, TODAY)
    assert stored is None and problem is not None and message in problem


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("nb", "Datoen finnes ikke"),
        ("nn", "Datoen finst ikkje"),
        ("en", "The date does not exist"),
    ],
)
def test_a_date_not_in_the_calendar_is_called_so(language, message):
    """31.02.2026 is written correctly, but there is no such day: "write a valid date" would
    leave the person looking for a typing error."""
    for benefit, fact in (("aap", "capacity_reduced_date"), ("dagpenger", "claim_date")):
        stored, problem = q.check(
            q.question(benefit, fact), "31.02.2026", translator(language), TODAY
        )
        assert stored is None and problem is not None and problem.startswith(message)


@pytest.mark.parametrize("typed", ["-5000", "- 350 000", "\u2212350000"])
def test_a_negative_amount_gets_its_own_message(typed):
    stored, problem = q.check(q.question("dagpenger", "income_12m"), typed, NB, TODAY)
    assert (
        stored is None
        and problem == "Beløpet kan ikke være negativt. Skriv 0 hvis du ikke har tjent noe."
    )


def test_the_36_month_income_cannot_be_below_the_12_month_income():
    """The 36 months include the last 12: whichever of the two is answered last is questioned,
    and equal amounts (nothing earned before the last year) are fine."""
    below = q.check_against_others(
        "dagpenger", "income_36m", "300000", {"income_12m": "400000"}, NB
    )
    assert (
        below is not None
        and "mindre enn du tjente de siste 12 månedene (400\u00a0000\u00a0kr)" in below
    )
    above = q.check_against_others(
        "dagpenger", "income_12m", "500000", {"income_36m": "400000"}, NB
    )
    assert above is not None and "400\u00a0000\u00a0kr" in above
    assert (
        q.check_against_others("dagpenger", "income_36m", "400000", {"income_12m": "400000"}, NB)
        is None
    )
    assert q.check_against_others("dagpenger", "income_36m", "1", {}, NB) is None


def test_the_children_living_with_both_parents_are_some_of_the_children():
    """Uføretrygd's barnetillegg (ftrl. § 12-16): the count of children living with both
    parents cannot exceed the children supported, whichever is answered last; one more is
    questioned, the same number is fine."""
    more = q.check_against_others(
        "uforetrygd", "children_with_both_parents", "3", {"children": "2"}, NB
    )
    assert more is not None and "Hvor mange barn forsørger du?" in more and "(2)" in more
    fewer = q.check_against_others(
        "uforetrygd", "children", "1", {"children_with_both_parents": "2"}, NB
    )
    assert fewer is not None and "(2)" in fewer
    assert (
        q.check_against_others(
            "uforetrygd", "children_with_both_parents", "2", {"children": "2"}, NB
        )
        is None
    )
    assert q.check_against_others("uforetrygd", "children", "0", {}, NB) is None


def test_dagpenger_asks_the_date_applied_from_within_what_the_services_take():
    """Not before today (nothing is paid for days before the claim), at most as far ahead as
    intake accepts a claim; the answer becomes the application's claim date, not a fact."""
    from trygd.services.intake import LONGEST_AHEAD

    question = q.question("dagpenger", "claim_date")
    assert question is not None and q.QUESTIONS["dagpenger"][0] is question
    last = TODAY + LONGEST_AHEAD
    for day in (TODAY, last):
        assert q.check(question, day.strftime("%d.%m.%Y"), NB, TODAY) == (day.isoformat(), None)
    for day in (TODAY - dt.timedelta(days=1), last + dt.timedelta(days=1)):
        stored, problem = q.check(question, day.strftime("%d.%m.%Y"), NB, TODAY)
        assert stored is None and problem is not None
        assert TODAY.strftime("%d.%m.%Y") in problem and last.strftime("%d.%m.%Y") in problem
    answers = {"claim_date": "2026-12-01", "children": "1"}
    assert q.claim_date_from("dagpenger", answers, TODAY) == dt.date(2026, 12, 1)
    assert "claim_date" not in q.facts_from("dagpenger", answers)
    assert q.claim_date_from("aap", {}, TODAY) == TODAY


@pytest.mark.parametrize("benefit", sorted(q.QUESTIONS))
def test_every_benefits_answers_make_a_valid_application(benefit):
    answers = {}
    for question in q.QUESTIONS[benefit]:
        typed = {
            "yesno": "no",
            "date": "01.02.2025",
            "from_date": TODAY.strftime("%d.%m.%Y"),
            "period": "02.11.2026\u201331.12.2026",
            "percent": "60",
            "hours": "37,5",
        }.get(question.kind, "3")
        stored, problem = q.check(question, typed, NB, TODAY)
        assert problem is None
        answers[question.fact] = stored
    facts = q.facts_from(benefit, answers)
    claim_date = q.claim_date_from(benefit, answers, TODAY)
    body = {"benefit": benefit, "claim_date": claim_date.isoformat(), "facts": facts}
    assert parse_application(json.dumps(body)).facts.keys() == facts.keys()


def test_sykepenger_asks_one_sick_note_that_becomes_a_period_and_the_claim_date():
    """The pages ask one sick note (first and last day) and the grade; the application gets
    one period with that grade, and the claim date is its first day (the skjæringstidspunkt)."""
    question = q.question("sykepenger", "sick_leave_periods")
    assert question is not None and question.kind == "period"
    stored, problems = q.check_period("02.11.2026", "31.12.2026", NB, TODAY)
    assert (stored, problems) == ("2026-11-02/2026-12-31", {})
    assert q.shown(question, stored) == "02.11.2026\u201331.12.2026"
    assert q.period_parts(stored) == ("02.11.2026", "31.12.2026")
    answers = {"sick_leave_periods": stored, "sick_leave_grade": "60"}
    facts = q.facts_from("sykepenger", answers)
    assert facts["sick_leave_periods"] == [{"from": "2026-11-02", "to": "2026-12-31", "grade": 60}]
    assert facts["sick_leave_grade"] == 60
    assert q.claim_date_from("sykepenger", answers, TODAY) == dt.date(2026, 11, 2)


@pytest.mark.parametrize(
    ("first", "last", "field", "message"),
    [
        ("", "31.12.2026", "answer", "Skriv datoen som dd.mm.åååå"),
        ("02.11.2026", "", "answer_to", "Skriv datoen som dd.mm.åååå"),
        ("24.11.2026", "31.12.2026", "answer", "ikke senere enn i dag"),  # not begun yet
        ("02.11.2026", "01.11.2026", "answer_to", "Siste dag kan ikke være før første dag"),
        ("31.02.2026", "31.12.2026", "answer", "Datoen finnes ikke"),
        ("02.11.2026", "25.11.2027", "answer_to", "ikke senere enn 24.11.2027"),  # too far ahead
    ],
)
def test_a_sick_note_period_that_cannot_be_used_says_which_day_is_wrong(
    first, last, field, message
):
    stored, problems = q.check_period(first, last, NB, TODAY)
    assert stored is None and field in problems and message in problems[field]


def test_the_last_day_of_a_sick_note_may_be_ahead_up_to_what_the_services_take():
    from trygd.services.intake import LONGEST_AHEAD

    latest = TODAY + LONGEST_AHEAD
    stored, problems = q.check_period("23.11.2026", latest.strftime("%d.%m.%Y"), NB, TODAY)
    assert problems == {} and stored == f"2026-11-23/{latest.isoformat()}"


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
