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
import re
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


# Control characters, lone surrogates and the two non-characters: not allowed in the file.
_NOT_PRINTABLE = re.compile("[\x00-\x1f\ud800-\udfff\ufffe\uffff]")


def _text_problems(where: str, value: str, limit: int) -> list[str]:
    if not value.strip():
        return [f"{where}: is empty"]
    if len(value) > limit:
        return [f"{where}: {len(value)} characters, at most {limit} allowed"]
    if _NOT_PRINTABLE.search(value):
        return [f"{where}: contains control or non-printable characters"]
    return []


def _account_problems(where: str, value: str, compact: list[str]) -> list[str]:
    """Check one account; its compact form is appended to `compact` (empty when invalid)."""
    try:
        compact.append(check_account(value))
    except InvalidAccount as error:
        compact.append("")
        return [f"{where}: {error}"]
    return []


def _input_problems(
    message_id: str, debtor: Debtor, transfers: Sequence[Transfer], accounts: list[str]
) -> list[str]:
    """Every problem of the input; `accounts` gets each account checked, in compact form
    (the debtor's first, then each transfer's), so that each is checked once."""
    problems = _text_problems("message_id", message_id, MAX_ID)
    problems += _text_problems("debtor.name", debtor.name, MAX_NAME)
    problems += _account_problems("debtor.account", debtor.account, accounts)
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
        problems += _account_problems(
            f"{where}.creditor_account", transfer.creditor_account, accounts
        )
        problems += _text_problems(f"{where}.remittance", transfer.remittance, MAX_REMITTANCE)
        if not isinstance(transfer.requested_date, datetime.date):
            problems.append(f"{where}.requested_date: must be a date")
    return problems


# The file is written as text, element by element in the schema's order, and then parsed and
# checked against the XSD like any file read back: a large run writes hundreds of thousands
# of transfers, and building them as lxml elements one call at a time cost several times
# more. The text is escaped as lxml escapes it (the inputs have no control characters).


def _x(value: str) -> str:
    """Text content, escaped."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _account(tag: str, compact: str, currency: str | None = None) -> str:
    if is_norwegian(compact):
        identification = (
            f"<Othr><Id>{norwegian_bban(compact)}</Id><SchmeNm><Cd>BBAN</Cd></SchmeNm></Othr>"
        )
    else:
        identification = f"<IBAN>{_x(compact)}</IBAN>"
    ccy = f"<Ccy>{currency}</Ccy>" if currency is not None else ""
    return f"<{tag}><Id>{identification}</Id>{ccy}</{tag}>"


def _party(tag: str, debtor: Debtor) -> str:
    return (
        f"<{tag}><Nm>{_x(debtor.name)}</Nm><Id><OrgId><Othr>"
        f"<Id>{orgnr.compact(debtor.organisation_number)}</Id>"
        f"<SchmeNm><Cd>CUST</Cd></SchmeNm></Othr></OrgId></Id></{tag}>"
    )


def _transfer(transfer: Transfer, compact: str) -> str:
    bearer = CHARGE_BEARER_DOMESTIC if is_norwegian(compact) else CHARGE_BEARER_FOREIGN
    return (
        f"<CdtTrfTxInf><PmtId><EndToEndId>{_x(transfer.end_to_end_id)}</EndToEndId></PmtId>"
        f'<Amt><InstdAmt Ccy="{CURRENCY}">{format_amount(transfer.amount_ore)}</InstdAmt></Amt>'
        f"<ChrgBr>{bearer}</ChrgBr><Cdtr><Nm>{_x(transfer.creditor_name)}</Nm></Cdtr>"
        f"{_account('CdtrAcct', compact)}"
        f"<RmtInf><Ustrd>{_x(transfer.remittance)}</Ustrd></RmtInf></CdtTrfTxInf>"
    )


def _block(
    message_id: str,
    debtor: Debtor,
    debtor_account: str,
    date: datetime.date,
    transfers: Sequence[tuple[Transfer, str]],
) -> list[str]:
    if debtor.bic:
        agent = f"<BIC>{bic.compact(debtor.bic)}</BIC>"
    else:
        agent = "<PstlAdr><Ctry>NO</Ctry></PstlAdr>"
    head = (
        f"<PmtInf><PmtInfId>{_x(message_id[: MAX_ID - 9])}-{date:%Y%m%d}</PmtInfId>"
        f"<PmtMtd>TRF</PmtMtd><NbOfTxs>{len(transfers)}</NbOfTxs>"
        f"<CtrlSum>{format_amount(sum(t.amount_ore for t, _ in transfers))}</CtrlSum>"
        f"<PmtTpInf><CtgyPurp><Cd>{CATEGORY_PURPOSE}</Cd></CtgyPurp></PmtTpInf>"
        f"<ReqdExctnDt>{date.isoformat()}</ReqdExctnDt>{_party('Dbtr', debtor)}"
        f"{_account('DbtrAcct', debtor_account, CURRENCY)}"
        f"<DbtrAgt><FinInstnId>{agent}</FinInstnId></DbtrAgt>"
    )
    return [head, *(_transfer(t, compact) for t, compact in transfers), "</PmtInf>"]


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
    accounts: list[str] = []
    problems = _input_problems(message_id, debtor, transfers, accounts)
    if problems:
        raise InvalidPaymentFile(problems)
    by_date: dict[datetime.date, list[tuple[Transfer, str]]] = {}
    for transfer, compact in zip(transfers, accounts[1:], strict=True):
        by_date.setdefault(transfer.requested_date, []).append((transfer, compact))
    created = created_at.replace(microsecond=0).isoformat()
    parts = [
        f"<?xml version='1.0' encoding='UTF-8'?>\n<Document xmlns=\"{NAMESPACE}\">"
        f"<CstmrCdtTrfInitn><GrpHdr><MsgId>{_x(message_id)}</MsgId>"
        f"<CreDtTm>{created}</CreDtTm><NbOfTxs>{len(transfers)}</NbOfTxs>"
        f"<CtrlSum>{format_amount(sum(t.amount_ore for t in transfers))}</CtrlSum>"
        f"{_party('InitgPty', debtor)}</GrpHdr>"
    ]
    for date in sorted(by_date):
        parts += _block(message_id, debtor, accounts[0], date, by_date[date])
    parts.append("</CstmrCdtTrfInitn></Document>")
    xml = "".join(parts).encode("utf-8")
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
