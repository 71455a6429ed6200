"""pain.002.001.03 status reports: statuses, reasons, inheritance, malformed and hostile files,
and the write/read round trip."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trygd.bank.pain002 import (
    STATUS_OF_CODE,
    InvalidStatusFile,
    StatusReport,
    TransferStatus,
    read_pain002,
    write_pain002,
)

CREATED = datetime.datetime(2026, 12, 8, 6, 0)


def report(body: str, group: str = "<GrpSts>PART</GrpSts>") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">
 <CstmrPmtStsRpt>
  <GrpHdr><MsgId>BANK-1</MsgId><CreDtTm>2026-12-08T06:00:00</CreDtTm></GrpHdr>
  <OrgnlGrpInfAndSts><OrgnlMsgId>MSG-1</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId>
   {group}</OrgnlGrpInfAndSts>
  {body}
 </CstmrPmtStsRpt>
</Document>""".encode()


def tx(e2e: str, status: str | None, reason: str = "") -> str:
    sts = f"<TxSts>{status}</TxSts>" if status else ""
    return f"<TxInfAndSts><OrgnlEndToEndId>{e2e}</OrgnlEndToEndId>{sts}{reason}</TxInfAndSts>"


def block(*txs: str, status: str = "") -> str:
    sts = f"<PmtInfSts>{status}</PmtInfSts>" if status else ""
    inner = f"<OrgnlPmtInfId>B1</OrgnlPmtInfId>{sts}{''.join(txs)}"
    return f"<OrgnlPmtInfAndSts>{inner}</OrgnlPmtInfAndSts>"


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ACCP", "accepted"),
        ("ACSC", "accepted"),
        ("ACTC", "accepted"),
        ("ACSP", "accepted"),
        ("ACWC", "accepted_with_warning"),
        ("RJCT", "rejected"),
        ("PDNG", "pending"),
    ],
)
def test_status_codes_map(code: str, status: str) -> None:
    read = read_pain002(report(block(tx("UTB-1", code))))
    assert read.transfers == (TransferStatus("UTB-1", status, code, None),)  # type: ignore[arg-type]
    assert (read.message_id, read.original_message_id, read.group_status) == (
        "BANK-1",
        "MSG-1",
        "PART",
    )


def test_rejection_reason_from_code_and_additional_information() -> None:
    reason = (
        "<StsRsnInf><Rsn><Cd>AC01</Cd></Rsn><AddtlInf>Kontonummer</AddtlInf>"
        "<AddtlInf>finnes ikke</AddtlInf></StsRsnInf>"
    )
    read = read_pain002(report(block(tx("UTB-1", "RJCT", reason))))
    assert read.transfers[0].reason == "AC01: Kontonummer finnes ikke"


def test_warning_with_proprietary_reason() -> None:
    reason = "<StsRsnInf><Rsn><Prtry>D01</Prtry></Rsn></StsRsnInf>"
    read = read_pain002(report(block(tx("UTB-1", "ACWC", reason))))
    assert read.transfers[0] == TransferStatus("UTB-1", "accepted_with_warning", "ACWC", "D01")


def test_transfer_without_own_status_takes_block_then_group_status() -> None:
    from_block = read_pain002(report(block(tx("A", None), status="PDNG")))
    assert from_block.transfers[0].status == "pending"
    from_group = read_pain002(report(block(tx("A", None)), group="<GrpSts>ACCP</GrpSts>"))
    assert from_group.transfers[0].status == "accepted"
    with pytest.raises(InvalidStatusFile, match="TxSts is missing"):
        read_pain002(report(block(tx("A", None), status="PART")))


def test_group_rejection_without_transfers_returns_no_transfers() -> None:
    read = read_pain002(report("", group="<GrpSts>RJCT</GrpSts>"))
    assert read == StatusReport("BANK-1", "MSG-1", "RJCT", ())


def test_block_rejection_without_transfers_is_refused_not_lost() -> None:
    with pytest.raises(InvalidStatusFile, match="block is rejected but its transfers"):
        read_pain002(report(block(status="RJCT")))


@pytest.mark.parametrize(
    ("xml", "element"),
    [
        (report(block(tx("", "ACCP"))), "OrgnlEndToEndId is missing"),
        (report(block(tx("A", "XXXX"))), "unknown status code 'XXXX'"),
        (report("", group="<GrpSts>NOPE</GrpSts>"), "GrpSts: unknown status code"),
        (report(block()).replace(b"<MsgId>BANK-1</MsgId>", b""), "GrpHdr/MsgId is missing"),
        (report(block()).replace(b"<OrgnlMsgId>MSG-1</OrgnlMsgId>", b""), "OrgnlMsgId"),
        (report(block()).replace(b"pain.002.001.03", b"pain.001.001.03", 1), "Document"),
        (report(block()).replace(b"CstmrPmtStsRpt", b"Other"), "CstmrPmtStsRpt is missing"),
        (b"not xml at all", "not well-formed"),
        (b"", "not well-formed"),
        (report(block())[:-30], "not well-formed"),
    ],
)
def test_malformed_files_name_the_element(xml: bytes, element: str) -> None:
    with pytest.raises(InvalidStatusFile, match=element):
        read_pain002(xml)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>
<GrpHdr><MsgId>&lol3;</MsgId></GrpHdr></CstmrPmtStsRpt></Document>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>
<GrpHdr><MsgId>&secret;</MsgId></GrpHdr></CstmrPmtStsRpt></Document>"""


@pytest.mark.parametrize("attack", [BILLION_LAUGHS, XXE, XXE.replace(b"\n", b"\n" * 3000)])
def test_dtd_and_entity_attacks_are_refused(attack: bytes) -> None:
    with pytest.raises(InvalidStatusFile, match="DTD"):
        read_pain002(attack)


def test_utf16_dtd_is_refused_too() -> None:
    encoded = XXE.replace(b'<?xml version="1.0"?>', b"").decode().encode("utf-16")
    with pytest.raises(InvalidStatusFile, match=r"DTD|entit"):
        read_pain002(encoded)


def test_write_refuses_code_that_contradicts_status() -> None:
    with pytest.raises(ValueError, match="code ACCP is not rejected"):
        write_pain002("R", CREATED, "M", [TransferStatus("A", "rejected", "ACCP", None)])


def test_write_sets_group_status() -> None:
    one = TransferStatus("A", "accepted", "ACCP", None)
    other = TransferStatus("B", "rejected", "RJCT", "AC04: Konto oppgjort")
    assert read_pain002(write_pain002("R", CREATED, "M", [one])).group_status == "ACCP"
    assert read_pain002(write_pain002("R", CREATED, "M", [one, other])).group_status == "PART"
    assert read_pain002(write_pain002("R", CREATED, "M", [])).group_status == "ACTC"


reason_texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn")),
    min_size=1,
    max_size=105,
).filter(lambda s: s.strip())
reasons = st.one_of(
    st.none(),
    reason_texts,
    st.from_regex(r"[A-Z]{2}[0-9]{2}", fullmatch=True),
    st.builds(
        lambda c, t: f"{c}: {t}", st.from_regex(r"[A-Z]{2}[0-9]{2}", fullmatch=True), reason_texts
    ),
)
statuses = st.lists(
    st.builds(
        lambda e2e, code, reason: TransferStatus(e2e, STATUS_OF_CODE[code], code, reason),
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", min_size=1, max_size=35),
        st.sampled_from(sorted(STATUS_OF_CODE)),
        reasons,
    ),
    max_size=20,
)


@settings(max_examples=100, deadline=None)
@given(statuses)
def test_write_then_read_gives_back_the_same_statuses(drawn: list[TransferStatus]) -> None:
    read = read_pain002(write_pain002("BANK-9", CREATED, "MSG-9", drawn))
    assert read.transfers == tuple(drawn)
    assert (read.message_id, read.original_message_id) == ("BANK-9", "MSG-9")
