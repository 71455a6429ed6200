"""What the staff pages share: the service, the form type, the words for codes, and paging.

The services answer with codes (`assessing`, `totrinnskontroll`, `stadfestet`); a page shows
them as words in its language. The words are marked here with `N_` so the catalogue check
finds them, and translated in the templates with `_()`. A code without a word (a new event
type, say) is shown as the code itself rather than hidden.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from starlette.datastructures import FormData

from trygd.privacy.policy import Actor, Role
from trygd.rules.benefits import PROFILES
from trygd.services.facade import CaseService
from trygd.web.i18n import N_
from trygd.web.session import checked_form

Form = Annotated[FormData, Depends(checked_form)]
PAGE_SIZE = 25


def service(request: Request) -> CaseService:
    svc: CaseService = request.app.state.service
    return svc


def has_role(actor: Actor, role: Role) -> bool:
    return role in actor.roles


# The short label of each benefit in staff lists, from its home.
BENEFITS = {benefit: profile.names.staff for benefit, profile in PROFILES.items()}

TASK_KINDS = {
    "assess": N_("Assessment"),
    "approve": N_("Approval"),
    "klage": N_("Klage"),
    "klageinstans": N_("Klageinstans"),
    "payment": N_("Payment"),
    "regulering": N_("G-regulering"),
    "omregning": N_("Omregning"),
}

TASK_REASONS = {
    "manual_benefit": N_("The benefit is always assessed by a caseworker"),
    "undetermined_conditions": N_("Conditions the rules could not determine"),
    "returned_by_approver": N_("Returned by the approver"),
    "information_received": N_("The person has sent information"),
    "information_deadline_passed": N_("The deadline for information has passed"),
    "meldekort_missing": N_("No meldekort came by the deadline"),
    "meldekort_late": N_("A meldekort came after the deadline"),
    "meldekort_not_job_seeker": N_("The meldekort says the person no longer seeks work"),
    "meldekort_late_not_job_seeker": N_("A late meldekort says the person no longer seeks work"),
    "meldekort_vedtak_incomplete": N_("A meldekort cannot be calculated: the vedtak lacks a fact"),
    "totrinnskontroll": N_("Proposal waiting for approval"),
    "klage_received": N_("New klage"),
    "late_klage": N_("Late klage"),
    "late_klage_considered": N_("Late klage to be considered"),
    "klage_grounds_received": N_("Grounds for the klage received"),
    "klage_grounds_missing": N_("The grounds did not come in time"),
    "klage_forwarded": N_("Klage sent from the first instance"),
    "omgjoring_after_klage": N_("Change the decision after a klage"),
    "klageinstans_omgjort": N_("Carry out Klageinstans' change"),
    "klageinstans_delvis_omgjort": N_("Carry out Klageinstans' partial change"),
    "klageinstans_opphevet": N_("New assessment after Klageinstans cancelled the vedtak"),
    "payment_plan_undetermined": N_("The payments cannot be planned: a fact is missing"),
    "payment_held_account_number": N_("Payment held: no account number"),
    "payment_held_account_number_invalid": N_("Payment held: the account number is not valid"),
    "payment_held_tax_table_amount": N_("Payment held: the tax table amount is missing"),
    "payment_held_tax_card_invalid": N_("Payment held: the tax card cannot be read"),
    "payment_rejected": N_("The bank rejected a payment"),
    "payment_status_missing": N_("No answer from the bank for a payment order"),
    "double_payment_suspected": N_("A period may have been paid twice"),
    "regulering_manual": N_("G-regulering: with the new G the grant would not be granted"),
    "regulering_failed": N_("G-regulering: the grant could not be regulated automatically"),
    "regulering_lowered": N_("G-regulering: the new G would lower the amounts"),
    "omregning_manual": N_("Omregning: with the new values the grant would not be granted"),
    "omregning_failed": N_("Omregning: the grant could not be recomputed automatically"),
    "omregning_lowered": N_(
        "Omregning: the new values would lower the amounts (advance notice first)"
    ),
    "tilbakekreving": N_("Feilutbetaling: assess the tilbakekreving"),
    "tilbakekreving_approval": N_("Tilbakekreving waiting for approval"),
    "tilbakekreving_after_klage": N_("Decide the tilbakekreving again after a klage"),
}

BEHANDLING_STATES = {
    "received": N_("Received"),
    "assessing": N_("Being assessed"),
    "waiting_for_information": N_("Waiting for information"),
    "proposed": N_("Proposed, waiting for approval"),
    "approved": N_("Approved"),
    "decided": N_("Decision made"),
    "implemented": N_("Decided and paid out"),
}

BEHANDLING_KINDS = {
    "forstegangsbehandling": N_("New application"),
    "revurdering": N_("Revurdering"),
    "omgjoring": N_("Omgjøring after klage"),
    "etter_klageinstans": N_("After Klageinstans"),
    "etter_anke": N_("After anke"),
    "regulering": N_("G-regulering"),
    "omregning": N_("Omregning"),
    "klage": N_("Klage"),
}

CONDITION_STATUS = {
    "met": N_("Met"),
    "not_met": N_("Not met"),
    "undetermined": N_("Undetermined"),
}
STATUS_VARIANT = {"met": "success", "not_met": "error", "undetermined": "warning"}

OUTCOMES = {
    "granted": N_("Granted"),
    "rejected": N_("Rejected"),
    "manual_assessment": N_("Needs assessment"),
}

KLAGE_STATES = {
    "awaiting_grounds": N_("Waiting for the grounds"),
    "late_assessment": N_("Late: consider it or not?"),
    "first_instance_review": N_("Review in the first instance"),
    "at_klageinstans": N_("At NAV Klageinstans"),
    "klageinstans_decided": N_("Decided by NAV Klageinstans"),
    "at_trygderetten": N_("At Trygderetten"),
    "trygderetten_decided": N_("Decided by Trygderetten"),
    "at_court_of_appeal": N_("At the court of appeal"),
    "closed": N_("Closed"),
}

APPEAL_OUTCOMES = {
    "stadfestet": N_("Upheld (stadfestet)"),
    "omgjort": N_("Changed (omgjort)"),
    "delvis_omgjort": N_("Partly changed (delvis omgjort)"),
    "opphevet": N_("Cancelled and sent back (opphevet)"),
    "avvist": N_("Not considered (avvist)"),
}

COURTS = {"trygderetten": N_("Trygderetten"), "lagmannsretten": N_("The court of appeal")}

EVENT_TYPES = {
    "soknad_received": N_("Application received"),
    "start": N_("Assessment started"),
    "decide_automatically": N_("Decided automatically by the rules"),
    "request_information": N_("Information requested"),
    "information_received": N_("Information received"),
    "deadline_passed": N_("Deadline passed"),
    "propose": N_("Vedtak proposed"),
    "return": N_("Proposal returned"),
    "approve": N_("Proposal approved"),
    "decide": N_("Vedtak made"),
    "implement": N_("Vedtak paid out"),
    "vedtak_made": N_("Vedtak made"),
    "condition_assessed": N_("Condition assessed"),
    "assessed": N_("The rules were run"),
    "information_reminder_sent": N_("Reminder sent"),
    "meldekort_reminder_sent": N_("Meldekort reminder sent"),
    "meldekort_missing": N_("Meldekort missing: no payment for the period"),
    "meldekort_sent": N_("Meldekort received"),
    "meldekort_corrected": N_("Meldekort corrected"),
    "klage_grounds_received": N_("Grounds for the klage received"),
    "klage_grounds_deadline_passed": N_("Deadline for the grounds passed"),
    "task_opened": N_("Task opened"),
    "task_claimed": N_("Task claimed"),
    "change_reported": N_("Change reported"),
    "behandling_opened": N_("Behandling opened"),
    "advance_notice_ordered": N_("Advance notice ordered"),
    "klage_received": N_("Klage registered"),
    "klage_comment_received": N_("Comment on the klage received"),
    "klage_forward": N_("Klage sent to NAV Klageinstans"),
    "klage_change_decision": N_("Decision changed after klage"),
    "klage_consider_late": N_("Late klage considered"),
    "klage_reject_late": N_("Late klage rejected"),
    "klage_klageinstans_decide": N_("Klageinstans decided"),
    "klage_register_anke": N_("Anke registered"),
    "klage_trygderetten_decide": N_("Trygderetten decided"),
    "klage_register_court_case": N_("Court case registered"),
    "klage_court_decide": N_("The court decided"),
    "klage_withdraw": N_("Klage withdrawn"),
    "klage_expire": N_("Klage closed"),
    "letter_sent": N_("Letter sent"),
    "tilbakekreving_opened": N_("Feilutbetaling found: tilbakekreving opened, varsel sent"),
    "tilbakekreving_answer": N_("Comments on the tilbakekreving varsel received"),
    "tilbakekreving_comment": N_("Comments on the tilbakekreving varsel received"),
    "tilbakekreving_deadline_passed": N_("Deadline for comments on the varsel passed"),
    "tilbakekreving_assessed": N_("Tilbakekreving assessed"),
    "tilbakekreving_propose": N_("Tilbakekreving proposed"),
    "tilbakekreving_return": N_("Tilbakekreving returned"),
    "tilbakekreving_approve": N_("Tilbakekreving vedtak made"),
    "tilbakekreving_hand_on": N_("Claim handed on for collection"),
    "tilbakekreving_settle": N_("Tilbakekreving closed"),
    "tilbakekreving_klage_outcome": N_("Klage on the tilbakekreving went the person's way"),
    "tilbakekreving_setoff": N_("Set off against a payment"),
}

LABELS: dict[str, Any] = {
    "benefits": BENEFITS,
    "task_kinds": TASK_KINDS,
    "task_reasons": TASK_REASONS,
    "behandling_states": BEHANDLING_STATES,
    "behandling_kinds": BEHANDLING_KINDS,
    "condition_status": CONDITION_STATUS,
    "status_variant": STATUS_VARIANT,
    "outcomes": OUTCOMES,
    "klage_states": KLAGE_STATES,
    "appeal_outcomes": APPEAL_OUTCOMES,
    "courts": COURTS,
    "event_types": EVENT_TYPES,
}


def page_number(value: str | None) -> int:
    """The 1-based page asked for in ?page=; anything odd means the first page."""
    try:
        number = int(value or "1")
    except ValueError:
        return 1
    return max(1, min(number, 10_000))


def pagination(total: int, page: int, base: str, query: dict[str, str]) -> dict[str, Any]:
    """Links to the previous and next page, keeping the other query parameters."""
    pages = max(1, -(-total // PAGE_SIZE))

    def link(number: int) -> str:
        return base + "?" + urlencode({**{k: v for k, v in query.items() if v}, "page": number})

    return {
        "page": page,
        "pages": pages,
        "previous": link(page - 1) if page > 1 else None,
        "next": link(page + 1) if page < pages else None,
    }
