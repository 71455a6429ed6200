"""A bulk run's figures are read back by its change's key alone (`GET /api/v1/regulations/
{date}?change=KEY`): the key must name the same benefits as the change it was made of."""

from __future__ import annotations

import datetime as dt

import pytest

from trygd.rules.benefits import PROFILES
from trygd.rules.regulation import G_KEY, benefits_reached, follows_g, parameter_change


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["uforetrygd.benefit_rate"], ["uforetrygd"]),
        (["common.grunnbelop"], ["aap", "dagpenger", "sykepenger", "uforetrygd"]),
        (
            ["uforetrygd.benefit_rate", "dagpenger.min_income_factor_12m"],
            ["dagpenger", "uforetrygd"],
        ),
    ],
)
def test_the_benefits_a_key_reaches_are_those_its_change_reaches(names, expected):
    change = parameter_change(names, dt.date(2026, 5, 1))
    reached = sorted(benefit for benefit in PROFILES if change.reaches(benefit))
    assert benefits_reached(change.key) == reached == expected


def test_the_g_regulering_key_reaches_the_benefits_that_follow_g():
    assert benefits_reached(G_KEY) == sorted(b for b in PROFILES if follows_g(b))
    assert "dagpenger" not in benefits_reached(G_KEY)
