"""Read (and, for tests and the demo bank, write) payment status reports: pain.002.001.03.

The bank answers a pain.001 order with one or more CustomerPaymentStatusReports. Bits' (BSK)
guideline for pain.002.001.03 reports status on three levels: the whole file
(`OrgnlGrpInfAndSts/GrpSts`), a payment block (`OrgnlPmtInfAndSts/PmtInfSts`) and a single
transfer (`TxInfAndSts/TxSts`, found by `OrgnlEndToEndId`), with the reason in
`StsRsnInf/Rsn/Cd` (ISO external status reason code, e.g. AC01 wrong account) and free text
in `AddtlInf`. Sources read:

- BSK implementeringsguide ISO 20022 pain.002.001.03 Customer Payment Status Report
  (Bits/BSK ver. 1.5, September 2014):
  http://docplayer.me/1172634-bsk-implementeringsguide-iso-20022-pain-002-001-03-customer-payment-status-report-bankenes-felles-implementasjonsguide.html
- Which level carries which status in Norwegian banks' reports (group ACTC/RJCT, payment
  and transaction RJCT/PDNG/ACWC):
  https://preview.community.dynamics.com/blogs/post/?postid=ec2ab959-2ae3-4fe3-bfeb-04141e33ace8
- ISO 20022 ExternalPaymentGroupStatus1Code / ExternalPaymentTransactionStatus1Code lists.

How statuses become ours (`Status`):

- ACCP, ACSC, ACSP, ACTC and ACCC -> "accepted"; ACWC -> "accepted_with_warning";
  RJCT -> "rejected"; PDNG and RCVD -> "pending". Any other code is refused.
- A transfer without its own `TxSts` takes its block's `PmtInfSts`, else the group's status
  (PART, "partly accepted", is a group or block code and is never inherited).
- `reason` is "CODE: text" from `StsRsnInf` (the code alone or the text alone when only one
  is there; several `AddtlInf` lines are joined with a space), or None.
- Only transfers the report lists are returned. A report that rejects the whole file
  (`GrpSts` RJCT) without listing transfers comes back with no transfers and `group_status`
  "RJCT": the reader cannot know which transfers the original file held, so the caller (the
  reconciliation, which does) must mark every transfer of `original_message_id` rejected.
  A payment block rejected without its transfers listed is refused with `InvalidStatusFile`,
  because this module cannot tell which transfers it held and must not lose the rejection.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from lxml import etree

from trygd.bank._xml import UnsafeOrBrokenXml, parse_safely

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"
_N = f"{{{NAMESPACE}}}"
_MAX_ADDITIONAL_INFO = 105
_MAX_ID = 35

Status = Literal["accepted", "accepted_with_warning", "rejected", "pending"]

STATUS_OF_CODE: dict[str, Status] = {
    "ACCP": "accepted",
    "ACSC": "accepted",
    "ACSP": "accepted",
    "ACTC": "accepted",
    "ACCC": "accepted",
    "ACWC": "accepted_with_warning",
    "RJCT": "rejected",
    "PDNG": "pending",
    "RCVD": "pending",
}


@dataclass(frozen=True)
class TransferStatus:
    """The bank's status of one transfer, found by its end-to-end id."""

    end_to_end_id: str
    status: Status
    code: str
    reason: str | None


@dataclass(frozen=True)
class StatusReport:
    """One status report; `group_status` is the raw `GrpSts` code, "" when absent."""

    message_id: str
    original_message_id: str
    group_status: str
    transfers: tuple[TransferStatus, ...]


_PARTLY = "PART"  # some transfers accepted, some not: a group or block code only


class InvalidStatusFile(ValueError):
    """The status file cannot be read; the message names the element."""


def _required(parent: etree._Element, path: str) -> str:
    text: str | None = parent.findtext("/".join(_N + tag for tag in path.split("/")))
    if text is None or not text.strip():
        raise InvalidStatusFile(f"{path} is missing or empty")
    return text.strip()


def _optional(parent: etree._Element, tag: str) -> str | None:
    text: str | None = parent.findtext(_N + tag)
    return text.strip() if text is not None and text.strip() else None


def _reason(parent: etree._Element) -> str | None:
    information = parent.find(_N + "StsRsnInf")
    if information is None:
        return None
    code = information.findtext(f"{_N}Rsn/{_N}Cd") or information.findtext(f"{_N}Rsn/{_N}Prtry")
    lines = [line.text for line in information.findall(_N + "AddtlInf") if line.text]
    text = " ".join(lines) if lines else None
    if code and text:
        return f"{code}: {text}"
    return code or text


def _status_of(code: str, where: str) -> Status:
    try:
        return STATUS_OF_CODE[code]
    except KeyError:
        raise InvalidStatusFile(f"{where}: unknown status code {code[:10]!r}") from None


def read_pain002(xml: bytes) -> StatusReport:
    """Read a pain.002.001.03 status report; raise `InvalidStatusFile` naming what is wrong."""
    try:
        document = parse_safely(xml)
    except UnsafeOrBrokenXml as error:
        raise InvalidStatusFile(str(error)) from None
    if document.tag != _N + "Document":
        raise InvalidStatusFile(f"Document: root element must be Document in {NAMESPACE}")
    report = document.find(_N + "CstmrPmtStsRpt")
    if report is None:
        raise InvalidStatusFile("CstmrPmtStsRpt is missing")
    message_id = _required(report, "GrpHdr/MsgId")
    original = report.find(_N + "OrgnlGrpInfAndSts")
    if original is None:
        raise InvalidStatusFile("OrgnlGrpInfAndSts is missing")
    original_message_id = _required(original, "OrgnlMsgId")
    group_status = _optional(original, "GrpSts") or ""
    if group_status and group_status != _PARTLY:
        _status_of(group_status, "OrgnlGrpInfAndSts/GrpSts")

    transfers: list[TransferStatus] = []
    for block in report.findall(_N + "OrgnlPmtInfAndSts"):
        block_id = _required(block, "OrgnlPmtInfId")
        block_status = _optional(block, "PmtInfSts")
        if block_status and block_status != _PARTLY:
            _status_of(block_status, f"OrgnlPmtInfAndSts {block_id[:_MAX_ID]!r}/PmtInfSts")
        inherited = next((c for c in (block_status, group_status) if c and c != _PARTLY), None)
        listed = block.findall(_N + "TxInfAndSts")
        if block_status == "RJCT" and not listed:
            raise InvalidStatusFile(
                f"OrgnlPmtInfAndSts {block_id[:_MAX_ID]!r}: the block is rejected but its "
                "transfers are not listed (TxInfAndSts); settle it by hand"
            )
        for index, transaction in enumerate(listed):
            where = f"OrgnlPmtInfAndSts {block_id[:_MAX_ID]!r}/TxInfAndSts {index + 1}"
            end_to_end_id = _required(transaction, "OrgnlEndToEndId")
            code = _optional(transaction, "TxSts") or inherited
            if not code:
                raise InvalidStatusFile(f"{where}/TxSts is missing (and no block or group status)")
            status = _status_of(code, f"{where}/TxSts")
            transfers.append(TransferStatus(end_to_end_id, status, code, _reason(transaction)))
    return StatusReport(message_id, original_message_id, group_status, tuple(transfers))


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, _N + tag)
    if text is not None:
        element.text = text
    return element


_CODED_REASON = re.compile(r"([A-Z0-9]{4})(?:: (.+))?", re.DOTALL)


def _add_reason(parent: etree._Element, reason: str) -> None:
    information = _sub(parent, "StsRsnInf")
    match = _CODED_REASON.fullmatch(reason)
    code, text = (match.group(1), match.group(2)) if match else (None, reason)
    if code:
        _sub(_sub(information, "Rsn"), "Cd", code)
    if text:
        _sub(information, "AddtlInf", text)


def _group_code(statuses: Sequence[TransferStatus]) -> str:
    codes = {status.code for status in statuses}
    if not codes:
        return "ACTC"
    return codes.pop() if len(codes) == 1 else _PARTLY


def write_pain002(
    message_id: str,
    created_at: datetime.datetime,
    original_message_id: str,
    statuses: Sequence[TransferStatus],
) -> bytes:
    """Write a status report as a bank would: for tests and the demo bank simulator.

    The group status is the transfers' common code, PART when they differ, and ACTC when no
    transfer is listed. All transfers go in one block whose `OrgnlPmtInfId` is the original
    message id (the writer does not know the original file's block ids). A reason is written
    as `Rsn/Cd` when it starts with a 4-character code ("AC01: text") and as `AddtlInf` (at
    most 105 characters) otherwise, so that `read_pain002` gives back the same values.
    """
    for status in statuses:
        if STATUS_OF_CODE.get(status.code) != status.status:
            raise ValueError(f"{status.end_to_end_id}: code {status.code} is not {status.status}")
        match = _CODED_REASON.fullmatch(status.reason or "")
        text = match.group(2) if match else status.reason
        if text is not None and (not text.strip() or len(text) > _MAX_ADDITIONAL_INFO):
            raise ValueError(f"{status.end_to_end_id}: reason text must be 1 to 105 characters")
    document = etree.Element(_N + "Document", nsmap={None: NAMESPACE})
    report = _sub(document, "CstmrPmtStsRpt")
    header = _sub(report, "GrpHdr")
    _sub(header, "MsgId", message_id)
    _sub(header, "CreDtTm", created_at.replace(microsecond=0).isoformat())
    original = _sub(report, "OrgnlGrpInfAndSts")
    _sub(original, "OrgnlMsgId", original_message_id)
    _sub(original, "OrgnlMsgNmId", "pain.001.001.03")
    _sub(original, "GrpSts", _group_code(statuses))
    if statuses:
        block = _sub(report, "OrgnlPmtInfAndSts")
        _sub(block, "OrgnlPmtInfId", original_message_id)
        for status in statuses:
            transaction = _sub(block, "TxInfAndSts")
            _sub(transaction, "OrgnlEndToEndId", status.end_to_end_id)
            _sub(transaction, "TxSts", status.code)
            if status.reason is not None:
                _add_reason(transaction, status.reason)
    return bytes(etree.tostring(document, xml_declaration=True, encoding="UTF-8"))
