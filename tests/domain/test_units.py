"""Routing to NAV units: benefit × municipality, every protection level, rejected numbers, the
consistency of the tables, and where appeals go.

The expected unit numbers below are written out by hand from the sources named in
`trygd.domain.units`, not read back from its tables, so a changed table entry shows up here.
"""

from __future__ import annotations

from typing import get_args

import pytest

from trygd.domain.units import (
    BENEFIT_RULES,
    LOCAL_OFFICE_BY_MUNICIPALITY,
    MALFORMED_MUNICIPALITY,
    MUNICIPALITIES,
    PROTECTIONS,
    UNITS,
    UNKNOWN_MUNICIPALITY,
    Protection,
    Unit,
    UnknownMunicipalityError,
    klageinstans_unit,
    municipality_name,
    responsible_unit,
)
from trygd.rules.benefits import BENEFITS

BENEFIT_IDS = ("dagpenger", "sykepenger", "aap", "uforetrygd")
NATIONAL_UNIT = {"dagpenger": "4450", "sykepenger": "4488", "uforetrygd": "4405"}


# --- benefit × municipality, no protection ------------------------------------------------


@pytest.mark.parametrize("benefit", sorted(NATIONAL_UNIT))
@pytest.mark.parametrize("municipality", ["0301", "4601", "3301", "5634", "1857"])
def test_national_benefits_ignore_the_municipality(benefit: str, municipality: str) -> None:
    unit = responsible_unit(benefit, municipality, "none")
    assert unit.number == NATIONAL_UNIT[benefit]
    assert unit.kind == "benefit"


@pytest.mark.parametrize(
    ("municipality", "office"),
    [
        ("0301", "0312"),  # Oslo -> Nav Frogner (one bydel office stands in for the city)
        ("4601", "1208"),  # Bergen -> Nav Bergen sentrum
        ("5001", "5702"),  # Trondheim -> Nav Lerkendal
        ("1103", "1161"),  # Stavanger -> Nav Eiganes og Tasta
        ("3201", "0219"),  # Bærum
        ("3301", "0602"),  # Drammen
        ("4204", "1001"),  # Kristiansand
        ("5501", "1902"),  # Tromsø
        ("1508", "1504"),  # Ålesund
        ("1106", "1106"),  # Haugesund -> Nav Haugesund-Utsira
        ("5612", "2011"),  # Guovdageaidnu -> Nav Guovdageaidnu/Kautokeino
        ("1857", "1857"),  # Værøy
    ],
)
def test_aap_goes_to_the_local_office(municipality: str, office: str) -> None:
    unit = responsible_unit("aap", municipality, "none")
    assert unit.number == office
    assert unit.kind == "local"


@pytest.mark.parametrize("benefit", BENEFIT_IDS)
@pytest.mark.parametrize("municipality", sorted(MUNICIPALITIES))
def test_every_municipality_routes_to_a_known_unit(benefit: str, municipality: str) -> None:
    unit = responsible_unit(benefit, municipality, "none")
    assert UNITS[unit.number] is unit
    assert unit.kind == ("local" if benefit == "aap" else "benefit")


# --- protection -----------------------------------------------------------------------------


@pytest.mark.parametrize("benefit", BENEFIT_IDS)
@pytest.mark.parametrize("protection", ["strengt_fortrolig", "strengt_fortrolig_utland"])
@pytest.mark.parametrize("municipality", ["0301", "1835", "9999", "abc", ""])
def test_strictly_protected_persons_go_to_vikafossen(
    benefit: str, protection: Protection, municipality: str
) -> None:
    # The municipality of a kode 6 person is often withheld; it must not block the routing.
    unit = responsible_unit(benefit, municipality, protection)
    assert (unit.number, unit.name, unit.kind) == ("2103", "Nav Vikafossen", "protected")


@pytest.mark.parametrize("benefit", BENEFIT_IDS)
@pytest.mark.parametrize("municipality", sorted(MUNICIPALITIES))
def test_fortrolig_does_not_change_the_unit(benefit: str, municipality: str) -> None:
    assert responsible_unit(benefit, municipality, "fortrolig") == responsible_unit(
        benefit, municipality, "none"
    )


def test_fortrolig_still_checks_the_municipality() -> None:
    with pytest.raises(UnknownMunicipalityError):
        responsible_unit("aap", "9999", "fortrolig")


def test_the_protection_levels_match_the_type() -> None:
    assert set(get_args(Protection)) == PROTECTIONS


@pytest.mark.parametrize("protection", ["", "None", "kode6", "STRENGT_FORTROLIG", "ugradert"])
def test_an_unknown_protection_level_is_an_error_not_none(protection: str) -> None:
    with pytest.raises(ValueError, match="unknown protection level"):
        responsible_unit("dagpenger", "0301", protection)  # type: ignore[arg-type]


# --- unknown benefit and bad municipality numbers -----------------------------------------


@pytest.mark.parametrize("benefit", ["", "AAP", "foreldrepenger", "uføretrygd"])
@pytest.mark.parametrize("protection", ["none", "strengt_fortrolig"])
def test_an_unknown_benefit_is_rejected_before_protection(
    benefit: str, protection: Protection
) -> None:
    with pytest.raises(ValueError, match="unknown benefit") as raised:
        responsible_unit(benefit, "0301", protection)
    assert not isinstance(raised.value, UnknownMunicipalityError)


@pytest.mark.parametrize(
    "number",
    [
        "9999",
        "0000",
        # Pre-2024 numbers of municipalities in the table: the table uses the 2024 numbering.
        "0602",  # Drammen until 2020
        "3005",  # Drammen 2020-2023
        "0219",  # Bærum until 2020
        "3024",  # Bærum 2020-2023
        "1201",  # Bergen until 2020
        "1902",  # Tromsø until 2020
        "5401",  # Tromsø 2020-2023
        "3804",  # Sandefjord 2020-2023
    ],
)
def test_an_unknown_municipality_is_rejected(number: str) -> None:
    for benefit in BENEFIT_IDS:
        with pytest.raises(UnknownMunicipalityError) as raised:
            responsible_unit(benefit, number, "none")
        assert raised.value.problem == UNKNOWN_MUNICIPALITY
        assert str(raised.value) == "is not a known Norwegian municipality number"
        assert number not in str(raised.value)
    with pytest.raises(UnknownMunicipalityError, match=UNKNOWN_MUNICIPALITY):
        municipality_name(number)


@pytest.mark.parametrize(
    "number", ["", "301", "03011", "03a1", " 0301", "0301 ", "03 01", "\u0660\u0663\u0660\u0661"]
)
def test_a_malformed_municipality_number_is_rejected(number: str) -> None:
    with pytest.raises(UnknownMunicipalityError) as raised:
        responsible_unit("aap", number, "none")
    assert raised.value.problem == MALFORMED_MUNICIPALITY
    with pytest.raises(UnknownMunicipalityError, match=MALFORMED_MUNICIPALITY):
        municipality_name(number)


def test_the_municipality_error_is_a_value_error() -> None:
    assert issubclass(UnknownMunicipalityError, ValueError)


@pytest.mark.parametrize(
    ("number", "name"),
    [("0301", "Oslo"), ("4601", "Bergen"), ("3301", "Drammen"), ("3201", "Bærum")],
)
def test_municipality_name(number: str, name: str) -> None:
    assert municipality_name(number) == name


# --- the tables -----------------------------------------------------------------------------


def test_every_unit_is_well_formed() -> None:
    for key, unit in UNITS.items():
        assert key == unit.number
        assert len(unit.number) == 4 and unit.number.isascii() and unit.number.isdigit()
        assert unit.name.strip()
        assert unit.source.strip()
        assert unit.status in ("confirmed", "unconfirmed")
        assert unit.kind in ("local", "benefit", "protected", "klageinstans")


def test_a_unit_rejects_a_malformed_number() -> None:
    with pytest.raises(ValueError, match="4 digits"):
        Unit(number="210", name="x", kind="local", source="s", status="confirmed")
    with pytest.raises(ValueError, match="name and a source"):
        Unit(number="2103", name="x", kind="local", source="", status="confirmed")


def test_the_municipality_tables_agree() -> None:
    assert set(LOCAL_OFFICE_BY_MUNICIPALITY) == set(MUNICIPALITIES)
    assert len(MUNICIPALITIES) >= 25
    for number, link in LOCAL_OFFICE_BY_MUNICIPALITY.items():
        assert len(number) == 4 and number.isdigit()
        assert UNITS[link.office].kind == "local"
        assert link.note.strip()


def test_every_local_office_serves_some_municipality() -> None:
    served = {link.office for link in LOCAL_OFFICE_BY_MUNICIPALITY.values()}
    local = {unit.number for unit in UNITS.values() if unit.kind == "local"}
    assert local == served


def test_the_benefit_rules_cover_exactly_the_assessed_benefits() -> None:
    assert set(BENEFIT_RULES) == set(BENEFITS) == set(BENEFIT_IDS)
    for benefit, rule in BENEFIT_RULES.items():
        assert rule.benefit == benefit
        assert rule.unit is None or UNITS[rule.unit].kind == "benefit"
        assert rule.klageinstans
        assert all(UNITS[number].kind == "klageinstans" for number in rule.klageinstans)
        assert rule.source.strip() and rule.note.strip()


def test_the_tables_are_read_only() -> None:
    with pytest.raises(TypeError):
        UNITS["9999"] = UNITS["2103"]  # type: ignore[index]
    with pytest.raises(TypeError):
        MUNICIPALITIES["9999"] = "Atlantis"  # type: ignore[index]


# --- appeals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "unit", [u for u in UNITS.values() if u.kind in ("local", "benefit")], ids=lambda u: u.number
)
def test_every_first_instance_unit_has_a_klageinstans(unit: Unit) -> None:
    reviewer = klageinstans_unit(unit)
    assert reviewer.kind == "klageinstans"
    assert UNITS[reviewer.number] is reviewer


@pytest.mark.parametrize("benefit", BENEFIT_IDS)
@pytest.mark.parametrize("municipality", ["0301", "4601", "5612"])
def test_the_klageinstans_is_one_kabal_lists_for_the_benefit(
    benefit: str, municipality: str
) -> None:
    first_instance = responsible_unit(benefit, municipality, "none")
    reviewer = klageinstans_unit(first_instance)
    assert reviewer.number == BENEFIT_RULES[benefit].klageinstans[0]


@pytest.mark.parametrize(
    ("first_instance", "reviewer"),
    [("4450", "4291"), ("4488", "4291"), ("4405", "4292"), ("0602", "4291"), ("1857", "4291")],
)
def test_klageinstans_examples(first_instance: str, reviewer: str) -> None:
    assert klageinstans_unit(UNITS[first_instance]).number == reviewer


def test_vikafossen_reviews_its_own_appeals() -> None:
    assert klageinstans_unit(UNITS["2103"]) is UNITS["2103"]


@pytest.mark.parametrize(
    "unit", [u for u in UNITS.values() if u.kind == "klageinstans"], ids=lambda u: u.number
)
def test_a_klageinstans_unit_has_no_klageinstans(unit: Unit) -> None:
    with pytest.raises(ValueError, match="Trygderetten"):
        klageinstans_unit(unit)


def test_an_unknown_unit_has_no_klageinstans() -> None:
    stranger = Unit(number="0393", name="x", kind="local", source="s", status="unconfirmed")
    with pytest.raises(ValueError, match="not a unit this module routes to"):
        klageinstans_unit(stranger)
