"""The facts a payment needs besides the vedtak: where the money goes and how much tax.

- the account number (kontonummer) a person's payments go to: the person gives it
  themselves (as on nav.no), or a caseworker registers one a person sent by post;
- the tax card (skattekort), which Skatteetaten sends and the system registers as it came;
- an employer's refund claim (refusjonskrav, ftrl. § 22-3) for a sykepenger sak: the employer
  keeps paying the salary and gets the sykepenger instead; the inntektsmelding names the
  employer and the account, and a caseworker registers it.

Every read and change passes `access` (check + audit). The payment run reads these at the
moment it orders a payment, so a change reaches the next run; a payment the bank refused
waits until the account it went to has been changed (`services.payments`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from stdnum.exceptions import ValidationError as _StdnumError
from stdnum.no import orgnr

from trygd.bank.accounts import InvalidAccount, check_account
from trygd.domain.tax import card_from_fact
from trygd.privacy.policy import Action
from trygd.rules.benefits import PROFILES
from trygd.services import access
from trygd.services.errors import Conflict, InvalidInput
from trygd.services.intake import caller_person
from trygd.services.records import get_or_404, parse_id
from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import PaymentDetails, Person, RefundClaim, Sak

MAX_REASON = 500
IDENTITY_DIGITS = 11
LOOKUP_BATCH = 1000
MAX_EMPLOYER_NAME = 140
"""pain.001 allows 140 characters for a creditor's name."""
TAX_CARD_YEARS = (2000, 2100)
"""Years a tax card may be registered for: far outside any real card is refused."""

SOURCE_PERSON = "person"
SOURCE_CASEWORKER = "caseworker"
SOURCE_SKATTEETATEN = "skatteetaten"
SOURCE_INNTEKTSMELDING = "inntektsmelding"


def _object(value: Any, field: str = "body") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput([(field, "must be a JSON object")])
    return value


def _unknown_fields(body: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise InvalidInput([(name, "is not a known field") for name in unknown])


def _text(body: dict[str, Any], field: str, maximum: int) -> str:
    value = body.get(field)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput([(field, "is required (text)")])
    if len(value) > maximum:
        raise InvalidInput([(field, f"is longer than {maximum} characters")])
    return value.strip()


def _account(body: dict[str, Any], field: str = "account_number") -> str:
    value = body.get(field)
    if not isinstance(value, str):
        raise InvalidInput([(field, "is required (text: 11 digits, or an IBAN)")])
    try:
        return check_account(value)
    except InvalidAccount as problem:
        raise InvalidInput([(field, str(problem))]) from None


def _details(uow: UnitOfWork, person: Person) -> PaymentDetails | None:
    return uow.session.get(PaymentDetails, person.id)


def view(details: PaymentDetails | None) -> dict[str, Any]:
    """The details as the API and the pages show them (the tax card as it was registered)."""
    if details is None:
        return {
            "account_number": None,
            "account_source": None,
            "tax_card": None,
            "tax_card_year": None,
            "updated_at": None,
        }
    return {
        "account_number": details.account_number,
        "account_source": details.account_source,
        "tax_card": details.tax_card,
        "tax_card_year": details.tax_card_year,
        "updated_at": details.updated_at.isoformat(),
    }


def _details_to_change(uow: UnitOfWork, person: Person) -> PaymentDetails:
    """The person's details row, made now if the person has none yet."""
    details = _details(uow, person)
    if details is None:
        details = PaymentDetails(person_id=person.id, updated_at=uow.now)
        uow.session.add(details)
    return details


def _set_account(uow: UnitOfWork, person: Person, account: str, source: str) -> PaymentDetails:
    details = _details_to_change(uow, person)
    details.account_number = account
    details.account_source = source
    details.updated_at = uow.now
    uow.flush()
    return details


# -- the person's own -------------------------------------------------------------------------


def own(uow: UnitOfWork) -> dict[str, Any]:
    """The calling citizen's payment details."""
    person = caller_person(uow, Action.READ_PAYMENT_DETAILS)
    access.check(
        uow,
        Action.READ_PAYMENT_DETAILS,
        access.subject_for_person(uow, person),
        object_type="payment_details",
        object_id=person.id,
    )
    return view(_details(uow, person))


def change_own_account(uow: UnitOfWork, body: Any) -> dict[str, Any]:
    """The citizen gives the account their payments go to (ftrl. § 22-10: NAV pays to an
    account the person has given)."""
    body = _object(body)
    _unknown_fields(body, {"account_number"})
    account = _account(body)
    person = caller_person(uow, Action.CHANGE_ACCOUNT)
    access.check(
        uow,
        Action.CHANGE_ACCOUNT,
        access.subject_for_person(uow, person),
        object_type="payment_details",
        object_id=person.id,
    )
    return view(_set_account(uow, person, account, SOURCE_PERSON))


# -- staff and system -------------------------------------------------------------------------


def _person(uow: UnitOfWork, person_id: str) -> Person:
    person: Person = get_or_404(uow, Person, parse_id(person_id, "person_id"), "person")
    return person


def for_person(uow: UnitOfWork, person_id: str) -> dict[str, Any]:
    """A person's payment details, for an employee with access to the person."""
    person = _person(uow, person_id)
    access.check(
        uow,
        Action.READ_PAYMENT_DETAILS,
        access.subject_for_person(uow, person),
        object_type="payment_details",
        object_id=person.id,
    )
    return view(_details(uow, person))


def change_account(uow: UnitOfWork, person_id: str, body: Any) -> dict[str, Any]:
    """A caseworker registers the account a person asked for by post; the reason (what the
    person sent) is kept with the audit record's purpose."""
    body = _object(body)
    _unknown_fields(body, {"account_number", "reason"})
    account = _account(body)
    reason = _text(body, "reason", MAX_REASON)
    person = _person(uow, person_id)
    access.check(
        uow,
        Action.CHANGE_ACCOUNT,
        access.subject_for_person(uow, person),
        purpose=reason,
        object_type="payment_details",
        object_id=person.id,
    )
    return view(_set_account(uow, person, account, SOURCE_CASEWORKER))


CARD_FIELDS = {"kind", "percentage", "table_number", "table_amount_ore"}


def _check_tax_card(card: Any, prefix: str) -> dict[str, Any] | None:
    """The card as it is stored, or InvalidInput naming the field (after `prefix`)."""
    if card is None:
        return None
    if not isinstance(card, dict):
        raise InvalidInput([(f"{prefix}tax_card", "must be an object, or null for no card")])
    unknown = sorted(set(card) - CARD_FIELDS)
    if unknown:
        raise InvalidInput(
            [(f"{prefix}tax_card.{name}", "is not a known field") for name in unknown]
        )
    percentage = card.get("percentage")
    if percentage is not None and (
        isinstance(percentage, bool) or not isinstance(percentage, (int, str, float))
    ):
        raise InvalidInput([(f"{prefix}tax_card.percentage", "must be a number from 0 to 100")])
    number = card.get("table_number")
    if number is not None and not (isinstance(number, str) and number.isdigit()):
        raise InvalidInput(
            [(f"{prefix}tax_card.table_number", "must be the table's number as digits")]
        )
    try:
        checked = card_from_fact(card)
    except ArithmeticError:
        raise InvalidInput(
            [(f"{prefix}tax_card.percentage", "must be a number from 0 to 100")]
        ) from None
    except ValueError as problem:
        field, _, what = str(problem).partition(": ")
        if not field.startswith("tax_card"):
            field = f"tax_card.{field}"
        raise InvalidInput([(prefix + field, what or str(problem))]) from None
    if checked is not None and checked.kind == "table" and not checked.table_number:
        raise InvalidInput(
            [(f"{prefix}tax_card.table_number", "a table card needs its table number")]
        )
    if percentage is not None:
        # Kept as exact decimal text: a JSON number must not live on as a float.
        return {**card, "percentage": str(Decimal(str(percentage)))}
    return dict(card)


def _checked_entry(entry: Any, prefix: str) -> tuple[str, int, dict[str, Any] | None]:
    """One entry of Skatteetaten's feed: (identity number, year, card as stored)."""
    if not isinstance(entry, dict):
        raise InvalidInput([(prefix.rstrip(".") or "body", "must be a JSON object")])
    unknown = sorted(set(entry) - {"identity_number", "year", "tax_card"})
    if unknown:
        raise InvalidInput([(f"{prefix}{name}", "is not a known field") for name in unknown])
    number = entry.get("identity_number")
    if not isinstance(number, str) or not number.isdigit() or len(number) != IDENTITY_DIGITS:
        raise InvalidInput([(f"{prefix}identity_number", "must be the person's 11 digits")])
    year = entry.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise InvalidInput([(f"{prefix}year", "is required (a whole number)")])
    if not TAX_CARD_YEARS[0] <= year <= TAX_CARD_YEARS[1]:
        raise InvalidInput(
            [(f"{prefix}year", f"must be from {TAX_CARD_YEARS[0]} to {TAX_CARD_YEARS[1]}")]
        )
    if "tax_card" not in entry:
        raise InvalidInput([(f"{prefix}tax_card", "is required (an object, or null for no card)")])
    return number, year, _check_tax_card(entry["tax_card"], prefix)


def import_tax_cards(uow: UnitOfWork, entries: Any) -> int:
    """Register the tax cards Skatteetaten sent (the system role), all or nothing: an entry
    that is wrong, or names a person not in the register, refuses the whole file naming
    the entry and the field. `tax_card: null` records that Skatteetaten has no card for the
    person (then the default rate is withheld)."""
    if not isinstance(entries, list):
        raise InvalidInput([("body", "must be a JSON list of tax cards")])
    checked = [_checked_entry(entry, f"[{index}].") for index, entry in enumerate(entries)]
    numbers = sorted({number for number, _year, _card in checked})
    persons: dict[str, Person] = {}
    for start in range(0, len(numbers), LOOKUP_BATCH):
        part = numbers[start : start + LOOKUP_BATCH]
        query = select(Person).where(Person.identity_number.in_(part))
        persons.update({person.identity_number: person for person in uow.session.scalars(query)})
    for index, (number, _year, _card) in enumerate(checked):
        if number not in persons:
            raise InvalidInput([(f"[{index}].identity_number", "no person with this number")])
    for number, year, card in checked:
        person = persons[number]
        access.check(
            uow,
            Action.REGISTER_TAX_CARD,
            access.subject_for_person(uow, person),
            object_type="payment_details",
            object_id=person.id,
        )
        details = _details_to_change(uow, person)
        details.tax_card = card
        details.tax_card_year = year
        details.updated_at = uow.now
    uow.flush()
    return len(checked)


def _check_refund_sak(uow: UnitOfWork, sak_id: str) -> Sak:
    """The sak of a refund claim, once the caller may register one on it: the access point
    answers first, so a refusal never tells a stranger which benefit the case is about."""
    sak: Sak = get_or_404(uow, Sak, parse_id(sak_id, "sak_id"), "sak")
    access.check_case(
        uow, Action.REGISTER_REFUND, sak, object_type="refund_claim", object_id=sak.id
    )
    profile = PROFILES.get(sak.benefit)
    if profile is None or profile.payments is None or profile.payments.schedule != "per_weekday":
        raise Conflict("an employer can claim a refund only of a benefit paid per day (sykepenger)")
    return sak


def refund_view(claim: RefundClaim | None) -> dict[str, Any] | None:
    if claim is None:
        return None
    return {
        "sak_id": str(claim.sak_id),
        "organisation_number": claim.organisation_number,
        "employer_name": claim.employer_name,
        "account_number": claim.account_number,
        "source": claim.source,
        "registered_by": claim.registered_by,
        "updated_at": claim.updated_at.isoformat(),
    }


def register_refund(uow: UnitOfWork, sak_id: str, body: Any) -> dict[str, Any]:
    """A caseworker registers the employer's refund claim from the inntektsmelding: the
    employer (organisation number, checked with its MOD11 digit) and the account. Whether a
    refund is claimed at all is the sak's fact `employer_refund`; this says where it goes."""
    body = _object(body)
    _unknown_fields(body, {"organisation_number", "employer_name", "account_number"})
    number = body.get("organisation_number")
    if not isinstance(number, str):
        raise InvalidInput([("organisation_number", "is required (9 digits)")])
    try:
        organisation = str(orgnr.validate(number))
    except _StdnumError:
        raise InvalidInput(
            [("organisation_number", "is not a valid organisation number (9 digits, MOD11)")]
        ) from None
    name = _text(body, "employer_name", MAX_EMPLOYER_NAME)
    account = _account(body)
    sak = _check_refund_sak(uow, sak_id)
    claim = uow.session.get(RefundClaim, sak.id)
    if claim is None:
        claim = RefundClaim(sak_id=sak.id)
        uow.session.add(claim)
    claim.organisation_number = organisation
    claim.employer_name = name
    claim.account_number = account
    claim.source = SOURCE_INNTEKTSMELDING
    claim.registered_by = uow.actor.id
    claim.updated_at = uow.now
    uow.flush()
    return refund_view(claim) or {}


def refund_claim(uow: UnitOfWork, sak_id: str) -> dict[str, Any] | None:
    """The refund claim of a sak, for an employee with access to the case (None: none)."""
    sak: Sak = get_or_404(uow, Sak, parse_id(sak_id, "sak_id"), "sak")
    access.check_case(
        uow, Action.READ_PAYMENT_DETAILS, sak, object_type="refund_claim", object_id=sak.id
    )
    return refund_view(uow.session.get(RefundClaim, sak.id))
