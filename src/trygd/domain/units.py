"""Routing: which NAV unit (enhet) is responsible for a case (sak), and who reviews an appeal.

Every case must sit in exactly one unit's queue, because the unit decides which caseworkers
may see and handle it. A wrong unit is not only slow, it can be a privacy breach: a person
with a protected address must never end up in an ordinary queue. The rules are applied in
this order, and the first that matches wins:

1. Unknown benefit: rejected (`ValueError`). The benefit is checked before anything else, so
   a typo never silently falls through to a protected or a default unit.
2. Strengt fortrolig adresse (kode 6) and strengt fortrolig utland (kode 19): NAV Vikafossen
   (2103), for every benefit and regardless of the municipality. The municipality is not even
   looked at: for these persons it may be withheld from the caller, and Vikafossen serves
   the whole country. (NAV's AAP task service maps both codes to "SPSF" and sends SPSF to 2103.)
3. Fortrolig adresse (kode 7): routing does NOT change. The case goes where rule 4 sends it,
   and access control restricts it to staff with the fortrolig role. NAV's AAP task service
   does exactly this for its NAY tasks: only SPSF changes the unit, while SPFO only sets a
   "fortrolig adresse" flag on the task that staff need a special group to see.
4. Benefit and municipality (geografisk tilknytning), as each benefit's home declares it
   (`BenefitProfile.routing` in `trygd.rules.benefits.<id>.profile`):
   - dagpenger: the national unit Nav arbeid og ytelser - dagpenger (4450);
   - sykepenger: Nav AY Sykepenger (4488), one unit for the whole country (a simplification,
     see `BENEFIT_RULES`);
   - uføretrygd: Nav Arbeid og ytelser Innlandet (4405), one unit for the whole country (a
     simplification, see `BENEFIT_RULES`);
   - AAP: the person's local NAV office, found from the municipality.
   The municipality is checked for every benefit, including those handled nationally, so an
   impossible address is reported instead of hidden.

Skjermede personer (NAV employees and their families) are not a parameter here. This module
follows the design decision that routing does not change for them and access control
(the skjerming role) does the work. NAV's own systems do it differently, and a caller must
know: NAV's AAP task service sends skjermede persons' NAY tasks to a separate unit, Nav
arbeid og ytelser egne ansatte (4483, which Kabal also lists as a first-instance unit for all
four benefits here), and passes the skjerming status to NORG2 when it looks up the local
office (NAV has "Nav egne ansatte <county>" offices, e.g. 0383 for Oslo). If we ever need
the same split, it belongs here, as a new rule between 2 and 3.

Oslo, Bergen, Trondheim and Stavanger have one NAV office per bydel, and NAV looks up the
office from the bydel (a six-digit geografisk tilknytning, e.g. 030105 Frogner). A
kommunenummer alone cannot tell which bydel, so each of these four cities is routed to one
named office of that city, and its `Tilknytning` says so.

Appeals (klage) that the first instance does not grant go to NAV Klageinstans. Kabal's code
lists, per benefit, which Klageinstans units may take the appeal; `klageinstans_unit` picks
the first one listed. An appeal from NAV Vikafossen stays there (2103 is on every one of those
lists), so a protected person's appeal never reaches an ordinary queue.

All facts come from NAV's open-source code; each unit and rule keeps its `source`. Where a
fact was inferred instead of seen, its `status` is "unconfirmed" and the reason is noted. The
units are spelled "Nav" as NAV's code spells them today.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

from trygd.rules.benefits import PROFILES
from trygd.rules.profiles import (
    SRC_AAP_OPPGAVE,
    SRC_ENHET,
    SRC_KLAGEENHETER,
    SRC_VEDTAKSENHETER,
)

UnitKind = Literal["local", "benefit", "protected", "klageinstans"]
Status = Literal["confirmed", "unconfirmed"]
Protection = Literal["none", "fortrolig", "strengt_fortrolig", "strengt_fortrolig_utland"]

PROTECTIONS: Final[frozenset[str]] = frozenset(
    {"none", "fortrolig", "strengt_fortrolig", "strengt_fortrolig_utland"}
)
_STRICT_PROTECTIONS: Final[frozenset[str]] = frozenset(
    {"strengt_fortrolig", "strengt_fortrolig_utland"}
)

_FOUR_DIGITS = re.compile(r"[0-9]{4}")

# Sources. Repository, path and the commit that was read; those the benefits' routing cites
# are declared with it, in `trygd.rules.profiles`.
SRC_ETTERLATTE: Final = (
    "github.com/navikt/pensjon-etterlatte-saksbehandling: enum no.nav.etterlatte.common.Enhet "
    "(STRENGT_FORTROLIG and STRENGT_FORTROLIG_UTLAND both 2103)"
)
SRC_KOMMUNER: Final = (
    "github.com/navikt/paw-arbeidssoekerregisteret-for-personbruker (commit 10c845b): "
    "src/components/styrkløft/fylker.ts (2024 county and municipality numbers)"
)
SRC_NORG_BYDEL: Final = (
    "github.com/navikt/veilarboppfolging (commit 96ff732): src/main/kotlin/no/nav/"
    "veilarboppfolging/client/norg/INorgTilhorighetClient.kt (tilknytning is kommune or bydel; "
    "Nav Frogner serves bydel 030105)"
)


@dataclass(frozen=True, slots=True)
class Unit:
    """One NAV unit (enhet): its 4-digit enhetsnummer, its name, what it does here, and where
    the fact comes from. `status` is "confirmed" when the number and name were seen together
    in `source`."""

    number: str
    name: str
    kind: UnitKind
    source: str
    status: Status

    def __post_init__(self) -> None:
        # A malformed table entry should fail at import, not when a case is routed.
        if not _FOUR_DIGITS.fullmatch(self.number):
            raise ValueError(f"unit number must be exactly 4 digits, got {self.number!r}")
        if not self.name or not self.source:
            raise ValueError(f"unit {self.number} needs a name and a source")


@dataclass(frozen=True, slots=True)
class Tilknytning:
    """The local NAV office that serves a municipality (geografisk tilknytning).

    NAV keeps this table in NORG2, which is not public. Each link here is inferred from the
    office's name matching the municipality (offices kept their pre-2020 numbers, so the
    numbers do not match), and is therefore "unconfirmed".
    """

    office: str
    status: Status
    note: str


@dataclass(frozen=True, slots=True)
class BenefitRule:
    """Where one benefit's cases go when no address protection applies.

    `unit` is None when the person's local NAV office is responsible. `klageinstans` lists the
    NAV Klageinstans units that Kabal accepts appeals for this benefit from (besides 2103, which
    takes protected persons' appeals); the first is the one `klageinstans_unit` returns.
    """

    benefit: str
    unit: str | None
    klageinstans: tuple[str, ...]
    source: str
    status: Status
    note: str


def _unit(number: str, name: str, kind: UnitKind, source: str = SRC_ENHET) -> Unit:
    return Unit(number=number, name=name, kind=kind, source=source, status="confirmed")


_UNIT_LIST: Final[tuple[Unit, ...]] = (
    # Protected addresses (kode 6 and kode 19).
    _unit(
        "2103",
        "Nav Vikafossen",
        "protected",
        f"{SRC_ENHET}; {SRC_AAP_OPPGAVE}; {SRC_ETTERLATTE}",
    ),
    # National benefit units (Nav arbeid og ytelser, NAY).
    _unit(
        "4450",
        "Nav arbeid og ytelser - dagpenger",
        "benefit",
        f"{SRC_ENHET}; {SRC_VEDTAKSENHETER} (DAG_DAG)",
    ),
    _unit("4488", "Nav AY Sykepenger", "benefit"),
    _unit(
        "4405",
        "Nav Arbeid og ytelser Innlandet",
        "benefit",
        f"{SRC_ENHET}; {SRC_VEDTAKSENHETER} (UFO_UFO, SYK_SYK, AAP_AAP)",
    ),
    # NAV Klageinstans.
    _unit("4291", "Klageinstans Oslo", "klageinstans", f"{SRC_ENHET}; {SRC_KLAGEENHETER}"),
    _unit("4292", "Klageinstans Trondheim", "klageinstans", f"{SRC_ENHET}; {SRC_KLAGEENHETER}"),
    _unit("4293", "Klageinstans Tønsberg", "klageinstans", f"{SRC_ENHET}; {SRC_KLAGEENHETER}"),
    _unit("4294", "Klageinstans Bergen", "klageinstans", f"{SRC_ENHET}; {SRC_KLAGEENHETER}"),
    _unit("4295", "Klageinstans Tromsø", "klageinstans", f"{SRC_ENHET}; {SRC_KLAGEENHETER}"),
    _unit("4250", "Klageinstans Kristiansand", "klageinstans", f"{SRC_ENHET}; {SRC_KLAGEENHETER}"),
    # Local NAV offices (NAV-kontor). All appear in Enhet.kt and in the AAP_AAP list of
    # YtelseToVedtaksenheter.kt; the office numbers are the old (pre-2020) municipality numbers.
    _unit("0312", "Nav Frogner", "local", f"{SRC_ENHET}; {SRC_NORG_BYDEL}"),
    _unit("1208", "Nav Bergen sentrum", "local"),
    _unit("5702", "Nav Lerkendal", "local"),
    _unit("1161", "Nav Eiganes og Tasta", "local"),
    _unit("0219", "Nav Bærum", "local"),
    _unit("0220", "Nav Asker", "local"),
    _unit("0231", "Nav Lillestrøm", "local"),
    _unit("0213", "Nav Nordre Follo", "local"),
    _unit("0235", "Nav Ullensaker", "local"),
    _unit("0602", "Nav Drammen", "local"),
    _unit("0106", "Nav Fredrikstad", "local"),
    _unit("0105", "Nav Sarpsborg", "local"),
    _unit("0104", "Nav Moss", "local"),
    _unit("1102", "Nav Sandnes", "local"),
    _unit("1001", "Nav Kristiansand", "local"),
    _unit("0906", "Nav Arendal", "local"),
    _unit("1902", "Nav Tromsø", "local"),
    _unit("1804", "Nav Bodø", "local"),
    _unit("1504", "Nav Ålesund", "local"),
    _unit("0806", "Nav Skien", "local"),
    _unit("0805", "Nav Porsgrunn", "local"),
    _unit("5303", "Nav Larvik", "local"),
    _unit("0710", "Nav Sandefjord", "local"),
    _unit("0704", "Nav Tønsberg", "local"),
    _unit("0403", "Nav Hamar", "local"),
    _unit("1106", "Nav Haugesund-Utsira", "local"),
    _unit("0239", "Nav Hurdal", "local"),
    _unit("1111", "Nav Sokndal", "local"),
    _unit("2002", "Nav Vardø", "local"),
    _unit("2011", "Nav Guovdageaidnu/Kautokeino", "local"),
    _unit("1857", "Nav Værøy", "local"),
    _unit("0428", "Nav Trysil", "local"),
    _unit("1046", "Nav Sirdal", "local"),
    _unit("1755", "Nav Leka", "local"),
    _unit("1835", "Nav Træna", "local"),
    _unit("0929", "Nav Åmli", "local"),
)

UNITS: Final[Mapping[str, Unit]] = MappingProxyType({unit.number: unit for unit in _UNIT_LIST})

VIKAFOSSEN: Final[Unit] = UNITS["2103"]

# kommunenummer (2024 numbering, after the county changes of 1 January 2024) -> name, as listed
# in SRC_KOMMUNER. The largest municipalities first, then a handful of small ones.
MUNICIPALITIES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "0301": "Oslo",
        "4601": "Bergen",
        "5001": "Trondheim",
        "1103": "Stavanger",
        "3201": "Bærum",
        "4204": "Kristiansand",
        "3301": "Drammen",
        "3203": "Asker",
        "3205": "Lillestrøm",
        "3107": "Fredrikstad",
        "1108": "Sandnes",
        "5501": "Tromsø",
        "3207": "Nordre Follo",
        "3105": "Sarpsborg",
        "4003": "Skien",
        "1804": "Bodø",
        "1508": "Ålesund",
        "3909": "Larvik",
        "3907": "Sandefjord",
        "3905": "Tønsberg",
        "4203": "Arendal",
        "3209": "Ullensaker",
        "4001": "Porsgrunn",
        "3103": "Moss",
        "3403": "Hamar",
        "1106": "Haugesund",
        # Small municipalities.
        "3242": "Hurdal",
        "1111": "Sokndal",
        "5634": "Vardø",
        "5612": "Guovdageaidnu",
        "1857": "Værøy",
        "3421": "Trysil",
        "4228": "Sirdal",
        "5052": "Leka",
        "1835": "Træna",
        "4217": "Åmli",
    }
)

_BY_NAME = "inferred: the office is named after the municipality (NORG2 table not seen)"
_BY_BYDEL = (
    "simplification: NAV routes {city} by bydel, which a kommunenummer cannot tell; "
    "every {city} case goes to this one office of the city"
)


def _link(office: str, note: str = _BY_NAME) -> Tilknytning:
    return Tilknytning(office=office, status="unconfirmed", note=note)


LOCAL_OFFICE_BY_MUNICIPALITY: Final[Mapping[str, Tilknytning]] = MappingProxyType(
    {
        "0301": _link("0312", _BY_BYDEL.format(city="Oslo")),
        "4601": _link("1208", _BY_BYDEL.format(city="Bergen")),
        "5001": _link("5702", _BY_BYDEL.format(city="Trondheim")),
        "1103": _link("1161", _BY_BYDEL.format(city="Stavanger")),
        "3201": _link("0219"),
        "4204": _link("1001"),
        "3301": _link("0602"),
        "3203": _link("0220"),
        "3205": _link("0231"),
        "3107": _link("0106"),
        "1108": _link("1102"),
        "5501": _link("1902"),
        "3207": _link("0213"),
        "3105": _link("0105"),
        "4003": _link("0806"),
        "1804": _link("1804"),
        "1508": _link("1504"),
        "3909": _link("5303"),
        "3907": _link("0710"),
        "3905": _link("0704"),
        "4203": _link("0906"),
        "3209": _link("0235"),
        "4001": _link("0805"),
        "3103": _link("0104"),
        "3403": _link("0403"),
        "1106": _link("1106", f"{_BY_NAME}; the office also serves Utsira"),
        "3242": _link("0239"),
        "1111": _link("1111"),
        "5634": _link("2002"),
        "5612": _link("2011"),
        "1857": _link("1857"),
        "3421": _link("0428"),
        "4228": _link("1046"),
        "5052": _link("1755"),
        "1835": _link("1835"),
        "4217": _link("0929"),
    }
)

# Each benefit's home declares its routing (`BenefitProfile.routing`).
BENEFIT_RULES: Final[Mapping[str, BenefitRule]] = MappingProxyType(
    {
        benefit: BenefitRule(
            benefit=benefit,
            unit=profile.routing.unit,
            klageinstans=profile.routing.klageinstans,
            source=profile.routing.source,
            status=profile.routing.status,
            note=profile.routing.note,
        )
        for benefit, profile in PROFILES.items()
    }
)

# Problems, each completing the sentence "municipality ...". They never contain the number:
# for a person with a protected address, even the municipality is information to protect.
MALFORMED_MUNICIPALITY: Final = "must be exactly 4 digits"
UNKNOWN_MUNICIPALITY: Final = "is not a known Norwegian municipality number"


class UnknownMunicipalityError(ValueError):
    """A municipality number was rejected; `problem` says why and never contains the number."""

    problem: str

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem

    def __str__(self) -> str:
        return self.problem


def _check_municipality(number: str) -> str:
    if not isinstance(number, str) or not _FOUR_DIGITS.fullmatch(number):
        raise UnknownMunicipalityError(MALFORMED_MUNICIPALITY)
    if number not in MUNICIPALITIES:
        raise UnknownMunicipalityError(UNKNOWN_MUNICIPALITY)
    return number


def municipality_name(number: str) -> str:
    """The name of municipality `number` (2024 numbering), for letters and screens."""
    return MUNICIPALITIES[_check_municipality(number)]


def _benefit_rule(benefit: str) -> BenefitRule:
    rule = BENEFIT_RULES.get(benefit)
    if rule is None:
        known = ", ".join(sorted(BENEFIT_RULES))
        raise ValueError(f"unknown benefit {benefit!r}; known benefits: {known}")
    return rule


def responsible_unit(benefit: str, municipality: str, protection: Protection) -> Unit:
    """The unit whose queue a new case belongs in; the rules and their order are in the module
    docstring.

    Raises ValueError for an unknown benefit or protection level (an unknown protection level
    is an error, never treated as "none", so a bad look-up fails closed), and
    UnknownMunicipalityError for a municipality number that is malformed or not in
    `MUNICIPALITIES`, unless the person's address is strictly protected.
    """
    rule = _benefit_rule(benefit)
    if protection not in PROTECTIONS:
        known = ", ".join(sorted(PROTECTIONS))
        raise ValueError(f"unknown protection level {protection!r}; known levels: {known}")
    if protection in _STRICT_PROTECTIONS:
        return VIKAFOSSEN
    # "fortrolig" deliberately falls through: same unit as "none", access control restricts.
    office = local_office(municipality, protection)
    if rule.unit is None:
        return office
    return UNITS[rule.unit]


def local_office(municipality: str, protection: Protection) -> Unit:
    """The person's local NAV office, or NAV Vikafossen for a strictly protected address: the
    unit for what is not one benefit's case (a service complaint without a case, say).

    Raises like `responsible_unit` for an unknown protection level or municipality."""
    if protection not in PROTECTIONS:
        known = ", ".join(sorted(PROTECTIONS))
        raise ValueError(f"unknown protection level {protection!r}; known levels: {known}")
    if protection in _STRICT_PROTECTIONS:
        return VIKAFOSSEN
    return UNITS[LOCAL_OFFICE_BY_MUNICIPALITY[_check_municipality(municipality)].office]


def klageinstans_unit(first_instance: Unit) -> Unit:
    """The unit that reviews an appeal (klage) against a decision made by `first_instance`.

    NAV Vikafossen reviews its own cases' appeals, so a protected person stays out of ordinary
    queues. For other units this is the first NAV Klageinstans unit that Kabal lists for the
    benefit the unit decides here; Kabal may in practice share the work with the others in
    `BenefitRule.klageinstans`. A Klageinstans unit has no Klageinstans above it (an anke goes
    to Trygderetten, outside NAV), so it raises ValueError, as does a unit this module does not
    route to.
    """
    if UNITS.get(first_instance.number) != first_instance:
        raise ValueError(f"unit {first_instance.number} is not a unit this module routes to")
    if first_instance.kind == "protected":
        return first_instance
    if first_instance.kind == "klageinstans":
        raise ValueError(
            f"unit {first_instance.number} is NAV Klageinstans; an anke against its decision "
            "goes to Trygderetten, which is not a NAV unit"
        )
    wanted = None if first_instance.kind == "local" else first_instance.number
    for rule in BENEFIT_RULES.values():
        if rule.unit == wanted:
            return UNITS[rule.klageinstans[0]]
    raise ValueError(f"unit {first_instance.number} decides no benefit in BENEFIT_RULES")
