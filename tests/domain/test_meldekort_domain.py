"""The meldeperiode calendar, the card's checks and the card's dates (trygd.domain.meldekort).

Dates and checks follow NAV's meldekort services: navikt/meldekortservice (an Arena card from
Monday 2020-01-20 to Sunday 2020-02-02 that can be sent from Saturday 2020-02-01), the
dagpenger meldekort service (sisteFristForTrekk = tilOgMed + 8) and the validation texts of
navikt/meldekort (whole and half hours, at most 24, no work on a sick or absent day, a
correction needs a reason)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trygd.domain.meldekort import (
    DAYS_IN_PERIOD,
    CardProblems,
    Meldeperiode,
    card_from_json,
    parse_card,
    period_containing,
    periods_of_vedtak,
    schedule,
)
from trygd.rules.assessment import default_ruleset

ARENA = Meldeperiode.starting(dt.date(2020, 1, 20))


def test_the_law_says_fourteen_days() -> None:
    params = default_ruleset().parameters
    for name in ("dagpenger.meldeperiode_days", "aap.meldeperiode_days"):
        assert params[name].value_at(dt.date(2026, 1, 1)).value == DAYS_IN_PERIOD


def test_arena_period_runs_monday_to_sunday_of_the_second_week() -> None:
    assert ARENA.end == dt.date(2020, 2, 2)
    assert ARENA.start.weekday() == 0 and ARENA.end.weekday() == 6
    assert len(ARENA.days) == 14


@given(st.dates(min_value=dt.date(1998, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_every_day_is_in_exactly_one_period_starting_on_a_monday(day: dt.date) -> None:
    period = period_containing(day)
    assert period.contains(day)
    assert period.start.weekday() == 0
    assert not period.next().contains(day)
    assert (period.start - ARENA.start).days % 14 == 0


def test_a_vedtak_from_a_thursday_starts_in_the_period_holding_it() -> None:
    periods = periods_of_vedtak(dt.date(2026, 11, 19), until=dt.date(2026, 12, 5))
    assert [p.start for p in periods] == [dt.date(2026, 11, 16), dt.date(2026, 11, 30)]
    assert periods_of_vedtak(dt.date(2026, 12, 1), until=dt.date(2026, 11, 1)) == []
    ended = periods_of_vedtak(
        dt.date(2026, 1, 5), until=dt.date(2026, 12, 5), effective_to=dt.date(2026, 1, 20)
    )
    assert len(ended) == 2


def test_a_card_opens_on_the_saturday_and_is_due_eight_days_after_the_sunday() -> None:
    s = schedule(ARENA)
    assert s.opens_on == dt.date(2020, 2, 1)  # Saturday, as Arena's kortKanSendesFra
    assert not s.is_open(dt.date(2020, 1, 31)) and s.is_open(dt.date(2020, 2, 1))
    assert s.due_on == dt.date(2020, 2, 10)
    assert not s.is_late(dt.date(2020, 2, 10))  # the due day itself is in time
    assert s.is_late(dt.date(2020, 2, 11))
    assert s.opens_on <= s.reminder_on < s.due_on


def day(**kw: object) -> dict[str, object]:
    return dict(kw)


def answers(days: list[dict[str, object]] | None = None, **kw: object) -> dict[str, object]:
    return {"days": days or [], "still_job_seeker": True, **kw}


def test_a_card_with_half_hours_is_read() -> None:
    card = parse_card(answers([day(hours_worked="7.5"), day(hours_worked=0.5)]), ARENA)
    assert card.hours_worked == Decimal("8.0")
    assert card.days[0].day == ARENA.start
    assert card_from_json(card.as_json()) == card


@pytest.mark.parametrize(
    ("value", "ok"),
    [("24", True), ("24.5", False), ("23.5", True), ("7.25", False), ("-0.5", False), ("x", False)],
)
def test_hours_are_half_hours_up_to_24(value: str, ok: bool) -> None:
    data = answers([day(), day(), day(), day(hours_worked=value)])
    if ok:
        assert parse_card(data, ARENA).days[3].hours_worked == Decimal(value)
    else:
        with pytest.raises(CardProblems) as caught:
            parse_card(data, ARENA)
        assert caught.value.problems[0][0] == "days[3].hours_worked"


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        (day(hours_worked=2, sick=True), "days[0].hours_worked"),
        (day(hours_worked=2, absent=True), "days[0].hours_worked"),
        (day(sick=True, absent=True), "days[0].absent"),
        (day(sick="yes"), "days[0].sick"),
        (day(date="2020-01-21"), "days[0].date"),
    ],
)
def test_contradictions_on_a_day_name_the_field(entry: dict[str, object], field: str) -> None:
    with pytest.raises(CardProblems) as caught:
        parse_card(answers([entry]), ARENA)
    assert [f for f, _ in caught.value.problems] == [field]


def test_tiltak_and_work_may_share_a_day() -> None:
    assert parse_card(answers([day(hours_worked=3, tiltak=True)]), ARENA).days[0].tiltak


def test_a_correction_needs_a_reason_and_an_original_has_none() -> None:
    with pytest.raises(CardProblems) as caught:
        parse_card(answers(), ARENA, correction=True)
    assert caught.value.problems == [("correction_reason", "a correction needs a reason")]
    card = parse_card(answers(correction_reason=" Forgot Monday "), ARENA, correction=True)
    assert card.correction_reason == "Forgot Monday"
    with pytest.raises(CardProblems):
        parse_card(answers(correction_reason="why"), ARENA)


def test_the_job_seeker_question_must_be_answered_when_sent_but_not_in_a_draft() -> None:
    with pytest.raises(CardProblems) as caught:
        parse_card({"days": []}, ARENA)
    assert caught.value.problems == [("still_job_seeker", "must be answered")]
    assert parse_card({"days": []}, ARENA, complete=False).still_job_seeker is False


def test_too_many_days_and_bad_shapes_are_refused() -> None:
    with pytest.raises(CardProblems) as caught:
        parse_card(answers([day()] * 15), ARENA)
    assert caught.value.problems[0][0] == "days"
    with pytest.raises(CardProblems):
        parse_card([], ARENA)
    with pytest.raises(ValueError):
        Meldeperiode.starting(dt.date(2020, 1, 21))
