"""pain.001.001.03 payment orders: XSD-valid, exact sums in øre, grouped by date, refusals
that name the transfer and the field, and a round-trip property."""

from __future__ import annotations

import datetime
import importlib.resources
from decimal import Decimal

import pytest
import xmlschema
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from trygd.bank.pain001 import (
    NAMESPACE,
    Debtor,
    InvalidPaymentFile,
    Transfer,
    format_amount,
    validate_pain001,
    write_pain001,
)

N = {"p": NAMESPACE}
DAY = datetime.date(2026, 12, 7)
CREATED = datetime.datetime(2026, 12, 5, 9, 30)
NAV = Debtor("NAV Økonomi", "8601 11 17947", "889640782", "DNBANOKK")
KONTO = "86011117947"
IBAN_DE = "DE89370400440532013000"


def transfer(n: int, ore: int = 100_00, day: datetime.date = DAY, **changes: str) -> Transfer:
    values = {
        "end_to_end_id": f"UTB-{n}",
        "creditor_name": "Kari Nordmann",
        "creditor_account": KONTO,
        "remittance": "Dagpenger meldeperiode 2026-11-23 - 2026-12-06",
    }
    values.update(changes)
    return Transfer(amount_ore=ore, requested_date=day, **values)


def parse(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)


def test_written_file_validates_with_xmlschema_against_the_sepaxml_xsd() -> None:
    xml = write_pain001("MSG-1", CREATED, NAV, [transfer(1), transfer(2, ore=1)])
    xsd = importlib.resources.files("sepaxml").joinpath("schemas/pain.001.001.03.xsd")
    schema = xmlschema.XMLSchema(xsd.read_bytes().decode())
    schema.validate(xml.decode())
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")


def test_control_sum_is_exact_in_ore() -> None:
    # 0.1 + 0.2 in floats is 0.30000000000000004; in øre it is 30
    amounts = [10, 20, 1, 99, 123_456_789_01]
    xml = write_pain001("MSG-2", CREATED, NAV, [transfer(i, ore) for i, ore in enumerate(amounts)])
    root = parse(xml)
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=N) == "123456790.31"
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=N) == "5"
    texts = [e.text for e in root.iterfind(".//p:InstdAmt", N)]
    assert texts == ["0.10", "0.20", "0.01", "0.99", "123456789.01"]


@pytest.mark.parametrize(
    ("ore", "text"), [(1, "0.01"), (99, "0.99"), (100, "1.00"), (101, "1.01"), (12345, "123.45")]
)
def test_format_amount(ore: int, text: str) -> None:
    assert format_amount(ore) == text


def test_transfers_are_grouped_by_requested_date_with_their_own_sums() -> None:
    later = DAY + datetime.timedelta(days=1)
    xml = write_pain001(
        "MSG-3",
        CREATED,
        NAV,
        [transfer(1, 500, later), transfer(2, 250), transfer(3, 125, later), transfer(4, 1)],
    )
    blocks = parse(xml).findall(".//p:PmtInf", N)
    assert [b.findtext("p:ReqdExctnDt", namespaces=N) for b in blocks] == [
        DAY.isoformat(),
        later.isoformat(),
    ]
    first, second = blocks
    assert first.findtext("p:NbOfTxs", namespaces=N) == "2"
    assert first.findtext("p:CtrlSum", namespaces=N) == "2.51"
    assert second.findtext("p:NbOfTxs", namespaces=N) == "2"
    assert second.findtext("p:CtrlSum", namespaces=N) == "6.25"
    ids = [[e.text for e in b.iterfind(".//p:EndToEndId", N)] for b in blocks]
    assert ids == [["UTB-2", "UTB-4"], ["UTB-1", "UTB-3"]]
    assert blocks[0].findtext("p:PmtMtd", namespaces=N) == "TRF"
    assert len({b.findtext("p:PmtInfId", namespaces=N) for b in blocks}) == 2


def test_domestic_accounts_as_bban_foreign_as_iban_with_charge_bearer() -> None:
    xml = write_pain001(
        "MSG-4",
        CREATED,
        NAV,
        [
            transfer(1, creditor_account="8601.11.17947"),
            transfer(2, creditor_account="NO93 8601 1117 947"),
            transfer(3, creditor_account=IBAN_DE),
        ],
    )
    txs = parse(xml).findall(".//p:CdtTrfTxInf", N)
    for tx in txs[:2]:
        assert tx.findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=N) == KONTO
        assert tx.findtext("p:CdtrAcct/p:Id/p:Othr/p:SchmeNm/p:Cd", namespaces=N) == "BBAN"
        assert tx.findtext("p:ChrgBr", namespaces=N) == "SLEV"
    assert txs[2].findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=N) == IBAN_DE
    assert txs[2].findtext("p:ChrgBr", namespaces=N) == "SHAR"
    debtor_account = parse(xml).find(".//p:DbtrAcct", N)
    assert debtor_account.findtext("p:Id/p:Othr/p:Id", namespaces=N) == KONTO
    assert debtor_account.findtext("p:Ccy", namespaces=N) == "NOK"


def test_debtor_without_bic_is_identified_by_country() -> None:
    nav = Debtor("NAV", KONTO, "889640782")
    xml = write_pain001("MSG-5", CREATED, nav, [transfer(1)])
    agent = parse(xml).find(".//p:DbtrAgt/p:FinInstnId", N)
    assert agent.findtext("p:PstlAdr/p:Ctry", namespaces=N) == "NO"


def refusal(debtor: Debtor = NAV, message_id: str = "MSG", *transfers: Transfer) -> str:
    with pytest.raises(InvalidPaymentFile) as caught:
        write_pain001(message_id, CREATED, debtor, list(transfers))
    return str(caught.value)


def test_empty_list_is_refused() -> None:
    assert "transfers: the list is empty" in refusal()


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (transfer(7, ore=0), "amount_ore: must be more than 0"),
        (transfer(7, ore=-1), "amount_ore: must be more than 0"),
        (transfer(7, end_to_end_id="X" * 36), "end_to_end_id: 36 characters, at most 35"),
        (transfer(7, creditor_name="N" * 71), "creditor_name: 71 characters, at most 70"),
        (transfer(7, creditor_name=" "), "creditor_name: is empty"),
        (transfer(7, remittance="R" * 141), "remittance: 141 characters, at most 140"),
        (transfer(7, remittance="a\x00b"), "remittance: contains control"),
        (transfer(7, creditor_account="86011117948"), "creditor_account: account number: the "),
        (transfer(7, creditor_account="DE88370400440532013000"), "creditor_account: IBAN"),
    ],
)
def test_each_refusal_names_the_transfer_and_field(bad: Transfer, field: str) -> None:
    message = refusal(NAV, "MSG", transfer(1), bad)
    assert "transfer 2 (" in message
    assert field in message
    assert "transfer 1 (" not in message


def test_float_amount_is_refused() -> None:
    bad = Transfer("UTB-1", 100.5, "Kari", KONTO, "x", DAY)  # type: ignore[arg-type]
    assert "transfer 1 ('UTB-1').amount_ore: must be an integer" in refusal(NAV, "MSG", bad)


def test_boundaries_35_70_140_are_accepted() -> None:
    edge = transfer(1, end_to_end_id="E" * 35, creditor_name="N" * 70, remittance="R" * 140)
    validate_pain001(write_pain001("M" * 35, CREATED, NAV, [edge]))


def test_duplicate_end_to_end_id_is_refused() -> None:
    assert "transfer 2 ('UTB-1').end_to_end_id: used by an earlier" in refusal(
        NAV, "MSG", transfer(1), transfer(1)
    )


def test_bad_debtor_and_message_id_are_named() -> None:
    bad = Debtor("NAV", "86011117948", "889640781", "NOTABIC")
    message = refusal(bad, "M" * 36, transfer(1))
    for field in ("message_id:", "debtor.account:", "debtor.organisation_number:", "debtor.bic:"):
        assert field in message


def test_validate_refuses_a_file_whose_control_sum_is_wrong() -> None:
    xml = write_pain001("MSG-6", CREATED, NAV, [transfer(1, 100), transfer(2, 200)])
    tampered = xml.replace(b"<CtrlSum>3.00</CtrlSum>", b"<CtrlSum>3.01</CtrlSum>", 1)
    with pytest.raises(InvalidPaymentFile, match=r"GrpHdr/CtrlSum: says 3\.01"):
        validate_pain001(tampered)


def test_validate_refuses_what_the_xsd_refuses() -> None:
    xml = write_pain001("MSG-7", CREATED, NAV, [transfer(1)])
    with pytest.raises(InvalidPaymentFile, match="line"):
        validate_pain001(xml.replace(b"<PmtMtd>TRF</PmtMtd>", b"<PmtMtd>XXX</PmtMtd>"))
    with pytest.raises(InvalidPaymentFile, match="currency EUR"):
        validate_pain001(xml.replace(b'Ccy="NOK"', b'Ccy="EUR"'))
    with pytest.raises(InvalidPaymentFile, match="not well-formed"):
        validate_pain001(xml[:-20])


names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")),
    min_size=1,
    max_size=70,
).filter(lambda s: s.strip() and s == s.strip())
ids = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/", min_size=1, max_size=35)
accounts = st.sampled_from([KONTO, "NO9386011117947", IBAN_DE, "GB29NWBK60161331926819"])
transfers = st.lists(
    st.builds(
        Transfer,
        end_to_end_id=ids,
        amount_ore=st.integers(min_value=1, max_value=10**13),
        creditor_name=names,
        creditor_account=accounts,
        remittance=names,
        requested_date=st.dates(datetime.date(2026, 1, 1), datetime.date(2026, 1, 10)),
    ),
    min_size=1,
    max_size=30,
    unique_by=lambda t: t.end_to_end_id,
)


@settings(max_examples=60, deadline=None)
@given(transfers)
def test_round_trip_same_ids_amounts_and_names(drawn: list[Transfer]) -> None:
    root = parse(write_pain001("MSG-P", CREATED, NAV, drawn))
    read = {
        tx.findtext("p:PmtId/p:EndToEndId", namespaces=N): (
            Decimal(tx.findtext("p:Amt/p:InstdAmt", namespaces=N)) * 100,
            tx.findtext("p:Cdtr/p:Nm", namespaces=N),
            tx.findtext("p:RmtInf/p:Ustrd", namespaces=N),
            tx.getparent().findtext("p:ReqdExctnDt", namespaces=N),
        )
        for tx in root.iterfind(".//p:CdtTrfTxInf", N)
    }
    assert read == {
        t.end_to_end_id: (
            Decimal(t.amount_ore),
            t.creditor_name,
            t.remittance,
            t.requested_date.isoformat(),
        )
        for t in drawn
    }
    total = Decimal(root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=N))
    assert total * 100 == sum(t.amount_ore for t in drawn)
