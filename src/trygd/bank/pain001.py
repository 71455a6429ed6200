"""Write a payment order file: ISO 20022 pain.001.001.03 customer credit transfer in NOK.

Norwegian banks take payment orders in pain.001.001.03 as described by Bits' (formerly BSK)
common implementation guideline, which follows the Common Global Implementation (CGI-MP)
guide; pain.001.001.09 is the SEPA/EUR flavour and is not used here. Sources read:

- BSK implementeringsguide ISO 20022 pain.001.001.03 Customer Credit Transfer, "Bankenes
  felles implementasjonsguide" (Bits/BSK, January 2012), section 5.4 key elements:
  https://studylib.net/doc/5644934/bsk-implementeringsguide-iso-20022-pain-001.001.03-customer
- Appendix for BSK implementation guides (example files for Norwegian payment types and the
  character set, including æ ø å):
  https://1library.net/document/y8x12wwq-appendix-for-bsk-implementerings-guides-iso.html
- Bank format notes for Norwegian pain.001.001.03 (charge bearer and category purpose codes):
  https://docs.infor.com/locally/2024.x/en-us/lclolh/lclgemsug/ddl1536039747497.html

What this module writes, and why:

- One `PmtInf` block per requested execution date (`ReqdExctnDt`), `PmtMtd` TRF, with its own
  `NbOfTxs` and `CtrlSum`; the group header carries the totals of the whole file.
- Domestic accounts (Norwegian kontonummer or NO IBAN) are given as the 11-digit BBAN in
  `Othr/Id` with `SchmeNm/Cd` BBAN; foreign accounts as `IBAN`.
- `ChrgBr` per transaction: SLEV (charges by the scheme's rules) for domestic NOK transfers,
  SHAR for transfers to a foreign account.
- `CtgyPurp` SSBE (ISO code "social security benefit"), so the bank can treat the payments
  as benefits. Whether Norwegian banks act on SSBE (as they do on SALA for salaries) is not
  confirmed by the guideline text we could read.
- The debtor (NAV) is identified by its organisation number in `InitgPty` and `Dbtr`
  (`OrgId/Othr` with `SchmeNm/Cd` CUST, CGI practice); its bank by BIC when known, otherwise
  by country.
- Names are limited to 70 characters (CGI), remittance text to 140 (`Ustrd`), ids to 35.

Amounts are integer øre in and "kroner.øre" text out, by integer arithmetic only. Every file
is checked against the pain.001.001.03 XSD (shipped in the `sepaxml` package) and for
consistent counts and control sums before it is returned.
"""

from __future__ import annotations

import datetime
import importlib.resources
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from lxml import etree
from stdnum import bic
from stdnum.no import orgnr

from trygd.bank._xml import UnsafeOrBrokenXml, parse_safely
from trygd.bank.accounts import InvalidAccount, check_account, is_norwegian, norwegian_bban

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
CURRENCY = "NOK"
CATEGORY_PURPOSE = "SSBE"
CHARGE_BEARER_DOMESTIC = "SLEV"
CHARGE_BEARER_FOREIGN = "SHAR"
MAX_ID = 35
MAX_NAME = 70
MAX_REMITTANCE = 140
_N = f"{{{NAMESPACE}}}"


@dataclass(frozen=True)
class Debtor:
    """The payer: NAV's own account and organisation number."""

    name: str
    account: str
    organisation_number: str
    bic: str | None = None


@dataclass(frozen=True)
class Transfer:
    """One credit transfer to one person's account."""

    end_to_end_id: str
    amount_ore: int
    creditor_name: str
    creditor_account: str
    remittance: str
    requested_date: datetime.date


class InvalidPaymentFile(ValueError):
    """The input cannot make a valid payment file, or a file is not valid.

    `problems` lists each problem as "where: what is wrong".
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


def format_amount(ore: int) -> str:
    """Integer øre as the file's decimal text: 12345 -> "123.45" (no float involved)."""
    kroner, rest = divmod(ore, 100)
    return f"{kroner}.{rest:02d}"


def _text_problems(where: str, value: str, limit: int) -> list[str]:
    if not value.strip():
        return [f"{where}: is empty"]
    if len(value) > limit:
        return [f"{where}: {len(value)} characters, at most {limit} allowed"]
    if any(ord(c) < 0x20 or 0xD800 <= ord(c) <= 0xDFFF or c in "\ufffe\uffff" for c in value):
        return [f"{where}: contains control or non-printable characters"]
    return []


def _account_problems(where: str, value: str) -> list[str]:
    try:
        check_account(value)
    except InvalidAccount as error:
        return [f"{where}: {error}"]
    return []


def _input_problems(message_id: str, debtor: Debtor, transfers: Sequence[Transfer]) -> list[str]:
    problems = _text_problems("message_id", message_id, MAX_ID)
    problems += _text_problems("debtor.name", debtor.name, MAX_NAME)
    problems += _account_problems("debtor.account", debtor.account)
    if not orgnr.is_valid(debtor.organisation_number):
        problems.append("debtor.organisation_number: not a valid organisation number")
    if debtor.bic is not None and not bic.is_valid(debtor.bic):
        problems.append("debtor.bic: not a valid BIC (8 or 11 letters and digits)")
    if not transfers:
        problems.append("transfers: the list is empty; a payment file needs at least one")
    seen: set[str] = set()
    for index, transfer in enumerate(transfers):
        where = f"transfer {index + 1} ({transfer.end_to_end_id[:MAX_ID]!r})"
        problems += _text_problems(f"{where}.end_to_end_id", transfer.end_to_end_id, MAX_ID)
        if transfer.end_to_end_id in seen:
            problems.append(f"{where}.end_to_end_id: used by an earlier transfer")
        seen.add(transfer.end_to_end_id)
        if type(transfer.amount_ore) is not int:
            problems.append(f"{where}.amount_ore: must be an integer number of øre")
        elif transfer.amount_ore <= 0:
            problems.append(f"{where}.amount_ore: must be more than 0")
        problems += _text_problems(f"{where}.creditor_name", transfer.creditor_name, MAX_NAME)
        problems += _account_problems(f"{where}.creditor_account", transfer.creditor_account)
        problems += _text_problems(f"{where}.remittance", transfer.remittance, MAX_REMITTANCE)
        if not isinstance(transfer.requested_date, datetime.date):
            problems.append(f"{where}.requested_date: must be a date")
    return problems


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, _N + tag)
    if text is not None:
        element.text = text
    return element


def _path(parent: etree._Element, *tags: str, text: str) -> None:
    for tag in tags:
        parent = _sub(parent, tag)
    parent.text = text


def _add_account(
    parent: etree._Element, tag: str, account: str, currency: str | None = None
) -> None:
    holder = _sub(parent, tag)
    identification = _sub(holder, "Id")
    compact = check_account(account)
    if is_norwegian(compact):
        other = _sub(identification, "Othr")
        _sub(other, "Id", norwegian_bban(compact))
        _path(other, "SchmeNm", "Cd", text="BBAN")
    else:
        _sub(identification, "IBAN", compact)
    if currency is not None:
        _sub(holder, "Ccy", currency)


def _add_party(parent: etree._Element, tag: str, debtor: Debtor) -> None:
    party = _sub(parent, tag)
    _sub(party, "Nm", debtor.name)
    other = _sub(_sub(_sub(party, "Id"), "OrgId"), "Othr")
    _sub(other, "Id", orgnr.compact(debtor.organisation_number))
    _path(other, "SchmeNm", "Cd", text="CUST")


def _add_transfer(block: etree._Element, transfer: Transfer) -> None:
    tx = _sub(block, "CdtTrfTxInf")
    _path(tx, "PmtId", "EndToEndId", text=transfer.end_to_end_id)
    amount = _sub(_sub(tx, "Amt"), "InstdAmt", format_amount(transfer.amount_ore))
    amount.set("Ccy", CURRENCY)
    domestic = is_norwegian(check_account(transfer.creditor_account))
    _sub(tx, "ChrgBr", CHARGE_BEARER_DOMESTIC if domestic else CHARGE_BEARER_FOREIGN)
    _sub(_sub(tx, "Cdtr"), "Nm", transfer.creditor_name)
    _add_account(tx, "CdtrAcct", transfer.creditor_account)
    _path(tx, "RmtInf", "Ustrd", text=transfer.remittance)


def _add_block(
    root: etree._Element,
    message_id: str,
    debtor: Debtor,
    date: datetime.date,
    transfers: Sequence[Transfer],
) -> None:
    block = _sub(root, "PmtInf")
    _sub(block, "PmtInfId", f"{message_id[: MAX_ID - 9]}-{date:%Y%m%d}")
    _sub(block, "PmtMtd", "TRF")
    _sub(block, "NbOfTxs", str(len(transfers)))
    _sub(block, "CtrlSum", format_amount(sum(t.amount_ore for t in transfers)))
    _path(block, "PmtTpInf", "CtgyPurp", "Cd", text=CATEGORY_PURPOSE)
    _sub(block, "ReqdExctnDt", date.isoformat())
    _add_party(block, "Dbtr", debtor)
    _add_account(block, "DbtrAcct", debtor.account, CURRENCY)
    agent = _sub(_sub(block, "DbtrAgt"), "FinInstnId")
    if debtor.bic:
        _sub(agent, "BIC", bic.compact(debtor.bic))
    else:
        _path(agent, "PstlAdr", "Ctry", text="NO")
    for transfer in transfers:
        _add_transfer(block, transfer)


def write_pain001(
    message_id: str,
    created_at: datetime.datetime,
    debtor: Debtor,
    transfers: Sequence[Transfer],
) -> bytes:
    """Build, validate and return the UTF-8 bytes of one pain.001.001.03 file.

    Raises `InvalidPaymentFile` naming each transfer (position and end-to-end id) and field
    that is wrong; nothing is returned unless the whole file is valid.
    """
    problems = _input_problems(message_id, debtor, transfers)
    if problems:
        raise InvalidPaymentFile(problems)
    by_date: dict[datetime.date, list[Transfer]] = {}
    for transfer in transfers:
        by_date.setdefault(transfer.requested_date, []).append(transfer)

    document = etree.Element(_N + "Document", nsmap={None: NAMESPACE})
    root = _sub(document, "CstmrCdtTrfInitn")
    header = _sub(root, "GrpHdr")
    _sub(header, "MsgId", message_id)
    _sub(header, "CreDtTm", created_at.replace(microsecond=0).isoformat())
    _sub(header, "NbOfTxs", str(len(transfers)))
    _sub(header, "CtrlSum", format_amount(sum(t.amount_ore for t in transfers)))
    _add_party(header, "InitgPty", debtor)
    for date in sorted(by_date):
        _add_block(root, message_id, debtor, date, by_date[date])

    xml = bytes(etree.tostring(document, xml_declaration=True, encoding="UTF-8"))
    validate_pain001(xml)
    return xml


@cache
def _schema() -> etree.XMLSchema:
    resource = importlib.resources.files("sepaxml").joinpath("schemas/pain.001.001.03.xsd")
    return etree.XMLSchema(etree.fromstring(resource.read_bytes()))


def _sum_problems(where: str, element: etree._Element, amounts: list[str]) -> list[str]:
    problems = []
    count = element.findtext(_N + "NbOfTxs")
    if count != str(len(amounts)):
        problems.append(f"{where}/NbOfTxs: says {count}, the file has {len(amounts)}")
    declared = element.findtext(_N + "CtrlSum")
    if declared is not None:
        try:
            total = sum((Decimal(a) for a in amounts), Decimal(0))
            if Decimal(declared) != total:
                problems.append(f"{where}/CtrlSum: says {declared}, the amounts sum to {total}")
        except InvalidOperation:
            problems.append(f"{where}/CtrlSum: not a decimal number")
    return problems


def validate_pain001(xml: bytes) -> None:
    """Check a pain.001.001.03 file: the XSD, NOK only, and counts and control sums.

    Raises `InvalidPaymentFile` listing each problem with its line or element.
    """
    try:
        root = parse_safely(xml)
    except UnsafeOrBrokenXml as error:
        raise InvalidPaymentFile([f"file: {error}"]) from None
    schema = _schema()
    if not schema.validate(root):
        raise InvalidPaymentFile(
            [f"line {entry.line}: {entry.message}" for entry in schema.error_log]
        )
    amounts = root.findall(f".//{_N}InstdAmt")
    problems = [
        f"CdtTrfTxInf {index + 1}/InstdAmt: currency {amount.get('Ccy')}, expected {CURRENCY}"
        for index, amount in enumerate(amounts)
        if amount.get("Ccy") != CURRENCY
    ]
    header = root.find(f"{_N}CstmrCdtTrfInitn/{_N}GrpHdr")  # present: the XSD requires it
    problems += _sum_problems("GrpHdr", header, [a.text or "" for a in amounts])
    for block in root.iter(_N + "PmtInf"):
        block_amounts = [a.text or "" for a in block.iter(_N + "InstdAmt")]
        where = f"PmtInf {block.findtext(_N + 'PmtInfId')}"
        problems += _sum_problems(where, block, block_amounts)
    if problems:
        raise InvalidPaymentFile(problems)
