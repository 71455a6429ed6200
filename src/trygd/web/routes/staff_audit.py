"""The audit trail for internal control (auditors).

Reading the trail is itself audited, with the auditor's purpose, so the page asks for the
purpose before it shows anything. The filter is the one the API offers: one person (by the
person's id in trygd, never the identity number). The form is a GET form, so a page of
results can be bookmarked and paged; nothing in its address identifies a person directly.

The records keep codes and English reasons (they are evidence and must not change); the page
shows each in the reader's language: the action, the kind of object, the role and the
policy's reason (`policy.reason_code` reads the code back from the kept sentence). The codes
themselves stay in the JSON API (`/api/v1/audit`) and in the rows' `data-` attributes.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from trygd.privacy.policy import Action, Role, reason_code
from trygd.web.forms import FormErrors
from trygd.web.i18n import N_, Translator, translator
from trygd.web.routes.staff_common import (
    LABELS,
    PAGE_SIZE,
    page_number,
    pagination,
    service,
)
from trygd.web.session import require_context
from trygd.web.templating import render, request_language

router = APIRouter(include_in_schema=False)

# Every `policy.Action` in words (tests check that none is missing).
ACTIONS: dict[str, str] = {
    Action.APPLY: N_("Applying for a benefit"),
    Action.READ_CASE: N_("Read a case"),
    Action.LIST_OWN_CASES: N_("List own cases"),
    Action.SEARCH_PERSON: N_("Search for a person"),
    Action.ASSESS: N_("Assess a case"),
    Action.REQUEST_INFORMATION: N_("Request information"),
    Action.ANSWER_INFORMATION: N_("Answer a request for information"),
    Action.PROPOSE: N_("Propose a vedtak"),
    Action.APPROVE: N_("Approve a vedtak"),
    Action.RETURN: N_("Return a proposal"),
    Action.CLAIM_TASK: N_("Claim a task"),
    Action.LIST_QUEUE: N_("Look at the task queue"),
    Action.REPORT_CHANGE: N_("Reporting a change"),
    Action.READ_ACCESS_LOG: N_("See who has looked at own data"),
    Action.READ_AUDIT: N_("Read the audit trail"),
    Action.RUN_JOB: N_("Run a scheduled job"),
    Action.SUBMIT_KLAGE: N_("Submit a klage"),
    Action.ADD_TO_KLAGE: N_("Add to a klage"),
    Action.REVIEW_KLAGE: N_("Review a klage in the first instance"),
    Action.DECIDE_KLAGE: N_("Decide a klage"),
    Action.REGISTER_ANKE: N_("Register an anke"),
    Action.SEND_LETTER: N_("Send a letter"),
    Action.SUBMIT_SERVICEKLAGE: N_("Submit a serviceklage"),
    Action.ANSWER_SERVICEKLAGE: N_("Answer a serviceklage"),
    Action.KEEP_DRAFT: N_("Keep an application draft"),
    Action.EXPORT_OWN_DATA: N_("Download own data"),
    Action.SEND_MELDEKORT: N_("Own meldekort"),
    Action.LIST_PAYMENT_PROBLEMS: N_("Look at the unit's failed payments"),
    Action.READ_PAYMENT_DETAILS: N_("Read payment details"),
    Action.CHANGE_ACCOUNT: N_("Change the account number for payments"),
    Action.REGISTER_TAX_CARD: N_("Register a tax card"),
    Action.REGISTER_REFUND: N_("Register an employer's refund claim"),
    Action.SUBMIT_PRIVACY_REQUEST: N_("Make a request about own data (GDPR)"),
    Action.HANDLE_PRIVACY_REQUEST: N_("Handle a request about personal data (GDPR)"),
}

# The kinds of object the services name in `access.check(object_type=...)`.
OBJECTS: dict[str, str] = {
    "access_log": N_("Access log"),
    "application_document": N_("Document for an application"),
    "attachment": N_("Attachment"),
    "audit_log": N_("Audit trail"),
    "behandling": N_("Behandling"),
    "draft": N_("Application draft"),
    "drafts": N_("Application drafts"),
    "information_request": N_("Request for information"),
    "klage": N_("Klage"),
    "ledger": N_("Payment accounts"),
    "letter": N_("Letter"),
    "meldekort": N_("Meldekort"),
    "meldekort_draft": N_("Meldekort draft"),
    "oppgave": N_("Task"),
    "payment": N_("Payment"),
    "payment_check": N_("Check of payments"),
    "payment_order": N_("Payment order to the bank"),
    "payment_plan": N_("Payment plan"),
    "payment_problems": N_("The unit's failed payments"),
    "payment_run": N_("Payment run"),
    "payment_simulation": N_("Simulation of payments"),
    "payment_status": N_("Status from the bank"),
    "payments": N_("Payments"),
    "payment_details": N_("Payment details"),
    "person": N_("Person"),
    "person_export": N_("Download of own data"),
    "privacy_request": N_("Request about personal data"),
    "privacy_requests": N_("Requests about personal data"),
    "retention_run": N_("Retention run"),
    "refund_claim": N_("Refund claim"),
    "regulation": N_("G-regulering"),
    "sak": N_("Case"),
    "serviceklage": N_("Serviceklage"),
    "serviceklager": N_("Serviceklager"),
    "unit": N_("The unit's task queue"),
    "vedtak": N_("Vedtak"),
}

ROLES: dict[str, str] = {
    Role.CITIZEN: N_("Citizen"),
    Role.CASEWORKER: N_("Caseworker"),
    Role.APPROVER: N_("Approver"),
    Role.APPEALS: N_("NAV Klageinstans"),
    Role.AUDITOR: N_("Internal control"),
    Role.SYSTEM: N_("Automatic processing"),
}

# Every `policy.REASONS` code as a sentence; %(unit)s and %(role)s are filled in.
REASONS: dict[str, str] = {
    "role_may_not": N_("None of the roles allows this"),
    "purpose_missing": N_("No purpose was given"),
    "part_of_role": N_("The role allows this"),
    "no_task": N_("No task was given"),
    "task_needs_role": N_("The task is for another role: %(role)s"),
    "task_kind_unknown": N_("The task is of an unknown kind"),
    "task_of_other_unit": N_("The task belongs to unit %(unit)s, not to the employee's unit"),
    "own_proposal": N_(
        "Totrinnskontroll: the employee proposed this vedtak and may not approve it"
    ),
    "own_data": N_("The person's own data"),
    "not_own_data": N_("Citizens see only their own data"),
    "system_job": N_("Automatic processing by NAV"),
    "protection_unknown": N_("The person's address protection was unknown, so access was refused"),
    "strengt_fortrolig": N_("Strengt fortrolig adresse: needs a special clearance"),
    "fortrolig": N_("Fortrolig adresse: needs a special clearance"),
    "skjermet": N_("Skjermet person: needs the clearance for skjermede persons"),
    "own_case": N_("Employees may not handle their own case"),
    "assigned": N_("The case is assigned to the employee"),
    "case_of_unit": N_("The case belongs to the employee's unit %(unit)s"),
    "no_case_of_unit": N_("No case of this person belongs to the employee's unit"),
    "no_klage_to_unit": N_("No klage of this person was sent to the employee's unit"),
    "handled_first_instance": N_("The employee handled this case in the first instance"),
    "klage_to_unit": N_("The klage was sent to the employee's unit %(unit)s"),
    "restricted_own_claim": N_(
        "Processing restricted by the person: allowed only for their own claims and rights"
    ),
    "restricted_not_essential": N_(
        "Processing restricted by the person: not needed for their own claims or rights"
    ),
}


def reason_words(reason: str | None, t: Translator) -> str | None:
    """The policy's reason in the reader's language, or None for a sentence without a code
    (the page then shows the record's own English words, marked as English)."""
    found = reason_code(reason)
    if found is None or found[0] not in REASONS:
        return None
    code, values = found
    role = values.get("role")
    words = {**values, "role": t.gettext(ROLES[role]).lower() if role in ROLES else role}
    return t.gettext(REASONS[code], **{k: v for k, v in words.items() if v is not None})


def _in_words(record: dict[str, Any], t: Translator) -> dict[str, Any]:
    def word(table: dict[str, str], code: str | None) -> str | None:
        return t.gettext(table[code]) if code in table else code

    return {
        **record,
        "action_words": word(ACTIONS, record["action"]),
        "object_words": word(OBJECTS, record.get("object_type")),
        "role_words": word(ROLES, record.get("actor_role")),
        "reason_words": reason_words(record.get("reason"), t),
    }


@router.get("/staff/audit")
def audit(request: Request) -> Response:
    ctx = require_context(request)
    t = translator(request_language(request))
    params = request.query_params
    purpose = (params.get("purpose") or "").strip()
    person_id = (params.get("person_id") or "").strip()
    asked = "purpose" in params
    errors = FormErrors()
    if asked and not purpose:
        errors.add("purpose", t.gettext("Write why you read the audit trail."))
    if person_id:
        try:
            uuid.UUID(person_id)
        except ValueError:
            errors.add(
                "person_id",
                t.gettext("Write the person's id in trygd, like 3f2b…-…, or leave it empty."),
            )
    trail = None
    paging = None
    if asked and not errors:
        page = page_number(params.get("page"))
        trail = service(request).audit_trail(
            ctx, person_id or None, purpose, PAGE_SIZE, (page - 1) * PAGE_SIZE
        )
        query = {"purpose": purpose, "person_id": person_id}
        paging = pagination(trail["total"], page, "/staff/audit", query)
        trail = {**trail, "items": [_in_words(r, t) for r in trail["items"]]}
    return render(
        request,
        "staff/audit.html",
        status_code=400 if errors else 200,
        errors=errors,
        purpose=purpose,
        person_id=person_id,
        trail=trail,
        paging=paging,
        labels=LABELS,
        section="audit",
    )
