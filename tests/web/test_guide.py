"""The benefit guide's logic: answers become each benefit's facts, and the verdict is the
rules engine's — the thresholds are read from the engine's own result, never typed here."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from trygd.web import guide

ON = dt.date(2026, 11, 23)


def _answers(**changes):
    base = {
        "situation": "unemployed",
        "birth_date": dt.date(1985, 3, 14),
        "lives_in_norway": True,
        "income": 0,
        "income_3y": 0,
        "hours_before": 37.5,
        "hours_now": 0.0,
    }
    return guide.Answers(**{**base, **changes})


def _income_condition(finding: guide.Finding):
    found = [c for c in finding.met + finding.not_met if c.id == "dagpenger.minimum_income"]
    assert found, "the engine decided nothing about the minimum income"
    return found[0]


def _threshold_12m() -> float:
    (finding,) = guide.find(_answers(), ON, "en")
    return float(_income_condition(finding).values["threshold_12m"])


def test_income_just_under_the_threshold_is_probably_not_dagpenger():
    under = math.ceil(_threshold_12m()) - 1
    (finding,) = guide.find(_answers(income=under, income_3y=under), ON, "nb")
    assert _income_condition(finding).status == "not_met"
    assert finding.verdict == guide.UNLIKELY


def test_income_at_the_threshold_meets_the_condition_and_the_rest_depends():
    at = math.ceil(_threshold_12m())
    (finding,) = guide.find(_answers(income=at, income_3y=at), ON, "nb")
    assert _income_condition(finding).status == "met"
    # the guide does not ask whether the person is registered as a job seeker
    assert finding.verdict == guide.DEPENDS
    assert any("registered_job_seeker" in c.id for c in finding.unknown)


def test_without_the_36_months_the_income_condition_is_not_guessed():
    (finding,) = guide.find(_answers(income=10, income_3y=None), ON, "en")
    assert "minimum_income" not in {c.id.split(".")[1] for c in finding.met}


def test_12_months_at_the_threshold_meet_the_condition_without_the_36_months():
    """The 36 months are optional in the guide: 1.5 G in the last 12 months is enough
    (§ 4-4 is an "or"), one krone less leaves it to the 36 months."""
    at = math.ceil(_threshold_12m())
    (met,) = guide.find(_answers(income=at, income_3y=None), ON, "nb")
    assert _income_condition(met).status == "met"
    (open_,) = guide.find(_answers(income=at - 1, income_3y=None), ON, "nb")
    assert "dagpenger.minimum_income" in {c.id for c in open_.unknown}


# What a person without a case must never be told about a condition the guide leaves open.
CASEWORKER = {"nb": "saksbehandler", "nn": "saksbehandlar", "en": "caseworker"}
SETTLES_36_MONTHS = {
    "nb": "Oppgi arbeidsinntekt de siste 36 månedene for å avgjøre dette.",
    "nn": "Oppgi arbeidsinntekt dei siste 36 månadene for å avgjere dette.",
    "en": "To settle this, answer the question about income from work in the last 36 months.",
}
NOT_ASKED = {
    "nb": "Dette avhenger av registrering som arbeidssøker, som veiviseren ikke spør om. "
    "Det svarer du på i søknaden.",
    "nn": "Dette avheng av registrering som arbeidssøkjar, som rettleiaren ikkje spør om. "
    "Det svarar du på i søknaden.",
    "en": "This depends on registration as a job seeker, which the guide does not ask about. "
    "You answer that in the application.",
}


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_an_open_condition_says_which_answer_settles_it(language):
    under = math.ceil(_threshold_12m()) - 1
    (finding,) = guide.find(_answers(income=under, income_3y=None), ON, language)
    unknown = {c.id: c.explanation for c in finding.unknown}
    assert unknown["dagpenger.minimum_income"] == SETTLES_36_MONTHS[language]
    assert unknown["dagpenger.registered_job_seeker"] == NOT_ASKED[language]


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
@pytest.mark.parametrize("situation", guide.SITUATIONS)
def test_the_guide_never_sends_someone_without_a_case_to_a_caseworker(situation, language):
    empty = _answers(situation=situation, income_3y=None, hours_before=None, hours_now=None)
    for finding in guide.find(empty, ON, language):
        assert finding.unknown, finding.benefit
        for condition in finding.unknown:
            assert CASEWORKER[language] not in condition.explanation.lower(), condition
            assert condition.missing_facts, condition


@pytest.mark.parametrize("situation", guide.SITUATIONS)
def test_every_situation_gives_explained_findings_with_legal_references(situation):
    findings = guide.find(_answers(situation=situation, reduction=60), ON, "nn")
    assert [f.benefit for f in findings] == list(guide.BENEFITS_FOR[situation])
    for finding in findings:
        for condition in finding.met + finding.not_met + finding.unknown:
            assert condition.explanation and condition.legal_basis


def test_the_facts_are_only_what_the_answers_give():
    facts = guide.facts_for("uforetrygd", _answers(situation="disabled", reduction=None))
    assert facts == {"birth_date": "1985-03-14"}


def test_a_person_too_old_for_aap_is_probably_not():
    old = _answers(situation="reduced", birth_date=dt.date(1950, 1, 1), reduction=60)
    aap = next(f for f in guide.find(old, ON, "en") if f.benefit == "aap")
    assert aap.verdict == guide.UNLIKELY
