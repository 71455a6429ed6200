"""The dated parameter files: complete, sourced, in order, and resolved by date."""

from __future__ import annotations

import datetime as dt

import pytest

from trygd.rules.benefits import BENEFITS
from trygd.rules.parameters import ParameterError, ParameterSet, load_default, resolve

PARAMETERS = load_default()


def g_on(day: str) -> float:
    return PARAMETERS["common.grunnbelop"].value_at(dt.date.fromisoformat(day)).value


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-04-30", 124_028),  # G1
        ("2025-05-01", 130_160),  # G2
        ("2026-05-01", 136_549),  # G3
        ("1990-11-15", 34_000),  # G4
        ("1990-12-01", 34_100),
        ("1967-01-01", 5_400),
        ("2024-05-01", 124_028),
        ("2024-04-30", 118_620),
    ],
)
def test_grunnbelop_by_date(day: str, expected: float) -> None:
    assert g_on(day) == expected


def test_yearly_average_of_g() -> None:
    table = PARAMETERS.year_table("common.grunnbelop_average")
    assert table.lookup(2025) == 128_116  # G3
    assert table.lookup(2022) == 109_784


def test_g_before_1967_is_refused_with_the_name_and_date() -> None:
    with pytest.raises(ParameterError, match=r"common.grunnbelop.*1966-12-31"):
        PARAMETERS["common.grunnbelop"].value_at(dt.date(1966, 12, 31))


def test_every_value_has_a_source_and_a_status() -> None:
    for parameter in PARAMETERS.parameters.values():
        assert parameter.legal_basis, parameter.name
        for value in parameter.values:
            assert value.source.strip(), parameter.name
            assert value.status in ("confirmed", "unconfirmed")


def test_every_parameter_a_benefit_declares_exists() -> None:
    for benefit in BENEFITS.values():
        for full_name in benefit.parameters.values():
            assert full_name in PARAMETERS.parameters, f"{benefit.id}: {full_name}"


def test_regularly_renewed_values_say_how_long_they_are_known() -> None:
    assert PARAMETERS["common.grunnbelop"].known_until == dt.date(2027, 4, 30)


def test_a_value_past_known_until_is_flagged_stale() -> None:
    names = {"g": "common.grunnbelop"}
    assert resolve(PARAMETERS, names, dt.date(2027, 4, 30)).stale == ()
    assert resolve(PARAMETERS, names, dt.date(2027, 5, 1)).stale == ("common.grunnbelop",)


def test_resolve_records_value_date_and_source() -> None:
    params = resolve(PARAMETERS, {"g": "common.grunnbelop"}, dt.date(2025, 6, 1))
    assert params.g == 130_160
    (used,) = params.used
    assert used.valid_from == dt.date(2025, 5, 1)
    assert "navikt/g" in used.source


def test_a_reform_replaces_values_from_its_first_date_only() -> None:
    reform = {
        "parameters": {
            "dagpenger.child_supplement": {
                "values": [{"from": dt.date(2026, 7, 1), "value": 50, "source": "test reform"}]
            }
        }
    }
    changed = PARAMETERS.with_reform(reform, "test")
    child = changed["dagpenger.child_supplement"]
    assert child.value_at(dt.date(2026, 6, 30)).value == 38
    assert child.value_at(dt.date(2026, 7, 1)).value == 50
    assert changed.digest != PARAMETERS.digest
    assert PARAMETERS["dagpenger.child_supplement"].value_at(dt.date(2026, 7, 1)).value == 38


@pytest.mark.parametrize(
    ("reform", "message"),
    [
        ({}, "parameters"),
        ({"parameters": {"no.such": {"values": []}}}, "unknown parameter 'no.such'"),
        (
            {
                "parameters": {
                    "common.grunnbelop": {
                        "values": [
                            {
                                "from": dt.date(2030, 5, 1),
                                "minimum_income_from": dt.date(2030, 6, 1),
                            }
                        ]
                    }
                }
            },
            "not a number",
        ),
        (
            {
                "parameters": {
                    "common.grunnbelop": {
                        "values": [
                            {
                                "from": dt.date(2030, 5, 1),
                                "minimum_income_from": dt.date(2030, 6, 1),
                                "value": 1,
                            }
                        ]
                    }
                }
            },
            "no source",
        ),
    ],
)
def test_a_malformed_reform_is_refused_with_a_reason(reform: dict, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        PARAMETERS.with_reform(reform, "bad")


def test_values_out_of_order_are_refused() -> None:
    content = b"""[x]
description = "d"
unit = "NOK"
legal_basis = "ftrl."
values = [
  { from = 2020-01-01, value = 1, source = "s" },
  { from = 2019-01-01, value = 2, source = "s" },
]
"""
    with pytest.raises(ParameterError, match="ascending"):
        ParameterSet.from_files([("t", content)], "t")


def test_a_legal_basis_is_a_citation_and_every_benefit_parameter_has_labels() -> None:
    """Pages show a parameter's legal basis and label, never the research notes: the notes
    (in English) belong in the description, which no page shows."""
    from trygd.rules.texts import parameter_label

    notes = ("practice", "verified", "see also", "fixed by", " the ", " and ", "temporary")
    for name, parameter in PARAMETERS.parameters.items():
        assert not any(note in parameter.legal_basis for note in notes), (name, parameter)
    for benefit in BENEFITS.values():
        for name in benefit.parameters.values():
            for language in ("nb", "nn", "en"):
                assert parameter_label(name, language), (name, language)


def test_legal_bases_registry_is_loaded_with_the_parameters_and_kept_by_a_reform() -> None:
    from trygd.rules.parameters import parse_legal_bases

    basis = PARAMETERS.legal_basis("late_klage")
    assert (
        basis.text == "fvl. § 31" and basis.source and basis.status in ("confirmed", "unconfirmed")
    )
    assert all(b.text and b.source for b in PARAMETERS.legal_bases.values())
    with pytest.raises(ParameterError, match="unknown legal basis"):
        PARAMETERS.legal_basis("no_such_basis")
    reform = {
        "parameters": {
            "procedure.grounds_weeks": {
                "values": [{"from": dt.date(2030, 1, 1), "value": 3, "source": "t"}]
            }
        }
    }
    assert PARAMETERS.with_reform(reform, "r").legal_bases == PARAMETERS.legal_bases
    with pytest.raises(ParameterError, match="needs a 'text' and a 'source'"):
        parse_legal_bases(b'[x]\ntext = "fvl. \\u00a7 1"\n')


def test_a_parameter_not_in_force_resolves_to_none_with_its_date_and_source() -> None:
    """`in_force = false`: repealed (the 95 % cap on uføretrygd and barnetillegg from
    2022-07-01) or only proposed; rules read None, and the used parameter says so."""
    names = {"cap": "uforetrygd.child_supplement_total_cap_share"}
    in_force = resolve(PARAMETERS, names, dt.date(2022, 6, 30))
    ended = resolve(PARAMETERS, names, dt.date(2022, 7, 1))
    assert in_force.cap == 0.95 and in_force.used[0].in_force
    assert ended.cap is None
    (used,) = ended.used
    assert not used.in_force and used.valid_from == dt.date(2022, 7, 1) and used.source


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"in_force": False, "value": 1, "source": "s"}, "takes no value"),
        ({"in_force": "no", "source": "s"}, "in_force from 2030-01-01 must be true or false"),
        ({"in_force": False}, "has no source"),
    ],
)
def test_a_not_in_force_entry_is_checked(entry: dict, message: str) -> None:
    reform = {
        "parameters": {"aap.max_total_share": {"values": [{"from": dt.date(2030, 1, 1), **entry}]}}
    }
    with pytest.raises(ParameterError, match=message):
        PARAMETERS.with_reform(reform, "t")


def test_a_reform_can_switch_a_parameter_off_and_on_again() -> None:
    reform = {
        "parameters": {
            "aap.max_total_share": {
                "values": [
                    {"from": dt.date(2030, 1, 1), "in_force": False, "source": "off"},
                    {"from": dt.date(2031, 1, 1), "value": 0.85, "source": "on"},
                ]
            }
        }
    }
    changed = PARAMETERS.with_reform(reform, "t")["aap.max_total_share"]
    assert changed.value_at(dt.date(2029, 12, 31)).value == 0.9
    assert not changed.value_at(dt.date(2030, 6, 1)).in_force
    assert changed.value_at(dt.date(2031, 1, 1)).value == 0.85
