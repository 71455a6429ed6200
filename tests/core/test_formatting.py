"""Amounts, factors, percentages and dates as each language writes them."""

from __future__ import annotations

import datetime as dt

import pytest

from trygd.rules import formatting
from trygd.rules.formatting import date, factor, kroner, number, percent, render

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (195_240, "nb", f"195{NBSP}240{NBSP}kr"),
        (195_240, "en", f"NOK{NBSP}195,240"),
        (68_274.5, "nn", f"68{NBSP}274,50{NBSP}kr"),
        (0, "nb", f"0{NBSP}kr"),
        (1_000_000, "nb", f"1{NBSP}000{NBSP}000{NBSP}kr"),
        (-1_500, "nb", f"-1{NBSP}500{NBSP}kr"),
    ],
)
def test_kroner(value: float, language: str, expected: str) -> None:
    assert kroner(value, language) == expected


def test_factor_percent_and_date() -> None:
    assert factor(1.5, "nb") == "1,5"
    assert factor(0.0024, "en") == "0.0024"
    assert factor(3.0, "nb") == "3"
    assert percent(0.5, "nb") == f"50{NBSP}%"
    assert percent(0.625, "en") == "62.5%"
    assert date(dt.date(2025, 5, 1), "nb") == "1. mai 2025"
    assert date(dt.date(2025, 5, 1), "en") == "1 May 2025"


def test_render_fills_a_template_from_named_values() -> None:
    text = render("Kravet er {f:num} G, som er {a:kr}.", {"f": 1.5, "a": 195_240}, "nb")
    assert text == f"Kravet er 1,5 G, som er 195{NBSP}240{NBSP}kr."


@pytest.mark.parametrize(
    ("function", "value", "language", "expected"),
    [
        (percent, 0.467, "nb", f"46,7{NBSP}%"),
        (percent, 0.467, "nn", f"46,7{NBSP}%"),
        (percent, 0.467, "en", "46.7%"),
        (kroner, 320_000, "nb", f"320{NBSP}000{NBSP}kr"),
        (kroner, 320_000, "en", f"NOK{NBSP}320,000"),
        (number, 37.5, "nb", "37,5"),
        (number, 37.5, "en", "37.5"),
        (number, 0.1 + 0.2, "nn", "0,3"),
        (number, 320_000, "nb", f"320{NBSP}000"),
        (factor, 2024, "nb", "2024"),
    ],
)
def test_numbers_follow_the_locale_through_babel(function, value, language, expected) -> None:
    """One place formats numbers for pages and letters alike: hours read "37,5", not
    "37,50"; a share "46,7 %" in Norwegian and "46.7%" in English."""
    assert function(value, language) == expected


@pytest.mark.parametrize("value", ["2026-12-10", dt.date(2026, 12, 10), True, None])
def test_money_refuses_what_is_not_a_number(value):
    with pytest.raises(TypeError):
        formatting.kroner(value, "nb")


@pytest.mark.parametrize(
    ("value", "kind", "language", "expected"),
    [
        ("2026-12-10", "date", "nb", "10. desember 2026"),
        (dt.date(2026, 12, 10), "date", "en", "10 December 2026"),
        (52, "weeks", "nn", "52\u00a0veker"),
        (1, "weeks", "en", "1\u00a0week"),
        (240, "days", "nb", "240\u00a0dager"),
        (1, "days", "en", "1\u00a0day"),
        (2, "days", "nn", "2\u00a0dagar"),
        (60.0, "percent", "nb", "60\u00a0%"),
        (1479, "money", "nb", "1\u00a0479\u00a0kr"),
    ],
)
def test_an_amount_is_written_as_its_kind_says(value, kind, language, expected):
    assert formatting.amount(value, kind, language) == expected


def test_every_amount_of_every_benefit_has_a_kind_a_page_can_write():
    from trygd.rules.benefits import BENEFITS

    for benefit in BENEFITS.values():
        assert set(benefit.amounts.values()) <= {"money", "date", "weeks", "days", "percent"}
