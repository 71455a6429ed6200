"""The access policy: may this actor do this to this person's data, and why (not)?

This module only decides; `trygd.services.access` applies the decision and writes the audit
record, so that every read, search and change of personal data passes one place. The rules
follow NAV's practice as described in the privacy statement and `docs/privacy.md`; they are
checked in order and the first rule that denies wins. Anything not explicitly allowed is
denied (deny by default), and an unknown protection status denies (fail closed).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from trygd.rules.benefits import PROFILES


class Role(StrEnum):
    CITIZEN = "citizen"
    CASEWORKER = "caseworker"  # saksbehandler
    APPROVER = "approver"  # beslutter (totrinnskontroll)
    APPEALS = "appeals"  # NAV Klageinstans
    AUDITOR = "auditor"  # internal control: reads the audit trail
    SYSTEM = "system"  # the worker running deadlines and jobs


class Clearance(StrEnum):
    """Extra rights an employee needs to see protected persons."""

    STRENGT_FORTROLIG = "strengt_fortrolig"  # kode 6 and kode 19
    FORTROLIG = "fortrolig"  # kode 7
    SKJERMING = "skjerming"  # NAV employees and their families


class Assurance(StrEnum):
    """ID-porten's levels of assurance of a citizen's sign-in (eIDAS), lowest first."""

    SUBSTANTIAL = "idporten-loa-substantial"  # e.g. MinID
    HIGH = "idporten-loa-high"  # BankID, Buypass, Commfides


def assurance_rank(value: object) -> int:
    """The rank of an assurance level (higher is stronger); -1 for none or an unknown one."""
    levels = [level.value for level in Assurance]
    return levels.index(value) if isinstance(value, str) and value in levels else -1


def required_assurance(benefit: str) -> Assurance | None:
    """The level of sign-in a citizen needs to see (or act on) a case of `benefit`, and its
    payments, meldekort, letters and tilbakekreving: high for a benefit whose case rests on
    health data (`BenefitProfile.health_data`, GDPR art. 9), else None (any level ID-porten
    gives, substantial at least). The pages and the API both ask here."""
    profile = PROFILES.get(benefit)
    if profile is not None and profile.health_data:
        return Assurance.HIGH
    return None


def assurance_suffices(acr: object, benefit: str) -> bool:
    """Whether a citizen signed in at level `acr` may see a case of `benefit`."""
    needed = required_assurance(benefit)
    return needed is None or assurance_rank(acr) >= assurance_rank(needed.value)


class Protection(StrEnum):
    NONE = "none"
    FORTROLIG = "fortrolig"
    STRENGT_FORTROLIG = "strengt_fortrolig"
    STRENGT_FORTROLIG_UTLAND = "strengt_fortrolig_utland"


class Action(StrEnum):
    APPLY = "apply"
    READ_CASE = "read_case"
    LIST_OWN_CASES = "list_own_cases"
    SEARCH_PERSON = "search_person"
    ASSESS = "assess"
    REQUEST_INFORMATION = "request_information"
    ANSWER_INFORMATION = "answer_information"
    PROPOSE = "propose"
    APPROVE = "approve"
    RETURN = "return"
    CLAIM_TASK = "claim_task"
    LIST_QUEUE = "list_queue"
    REPORT_CHANGE = "report_change"
    READ_ACCESS_LOG = "read_access_log"
    READ_AUDIT = "read_audit"
    RUN_JOB = "run_job"
    SUBMIT_KLAGE = "submit_klage"  # the person, or a caseworker registering a klage by post
    ADD_TO_KLAGE = "add_to_klage"  # grounds, comments, withdrawal: the person
    REVIEW_KLAGE = "review_klage"  # the first instance: lateness, omgjøring, oversendelse
    DECIDE_KLAGE = "decide_klage"  # NAV Klageinstans
    REGISTER_ANKE = "register_anke"  # NAV Klageinstans registers Trygderetten and the courts
    SEND_LETTER = "send_letter"  # a caseworker's own letters, such as forhåndsvarsel
    SUBMIT_SERVICEKLAGE = "submit_serviceklage"
    ANSWER_SERVICEKLAGE = "answer_serviceklage"
    KEEP_DRAFT = "keep_draft"  # the person's own application drafts and their documents
    EXPORT_OWN_DATA = "export_own_data"  # the person downloads everything about themselves
    SEND_MELDEKORT = "send_meldekort"  # the person's own meldekort: drafts, sending, corrections
    # The unit's payments that are held or rejected (a list like the queue: no person's data
    # is opened by it; opening a person's payments is a READ_CASE of its own).
    LIST_PAYMENT_PROBLEMS = "list_payment_problems"
    READ_PAYMENT_DETAILS = "read_payment_details"  # account number, tax card, refund claims
    CHANGE_ACCOUNT = "change_account"  # the person's own, or a caseworker from a form by post
    REGISTER_TAX_CARD = "register_tax_card"  # the tax card as Skatteetaten sends it
    REGISTER_REFUND = "register_refund"  # an employer's refund claim from the inntektsmelding
    # GDPR art. 15-22: the person asks (access, correction, restriction, objection, manual
    # review); a caseworker of the unit extends the deadline or answers by letter.
    SUBMIT_PRIVACY_REQUEST = "submit_privacy_request"
    HANDLE_PRIVACY_REQUEST = "handle_privacy_request"


STAFF_ROLES = frozenset({Role.CASEWORKER, Role.APPROVER, Role.APPEALS, Role.AUDITOR})

# What each role may do at all; the checks below narrow it to particular persons and cases.
ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.CITIZEN: frozenset(
        {
            Action.APPLY,
            Action.READ_CASE,
            Action.LIST_OWN_CASES,
            Action.ANSWER_INFORMATION,
            Action.REPORT_CHANGE,
            Action.READ_ACCESS_LOG,
            Action.SUBMIT_KLAGE,
            Action.ADD_TO_KLAGE,
            Action.SUBMIT_SERVICEKLAGE,
            Action.KEEP_DRAFT,
            Action.EXPORT_OWN_DATA,
            Action.SEND_MELDEKORT,
            Action.READ_PAYMENT_DETAILS,
            Action.CHANGE_ACCOUNT,
            Action.SUBMIT_PRIVACY_REQUEST,
        }
    ),
    Role.CASEWORKER: frozenset(
        {
            Action.READ_CASE,
            Action.SEARCH_PERSON,
            Action.ASSESS,
            Action.REQUEST_INFORMATION,
            Action.PROPOSE,
            Action.CLAIM_TASK,
            Action.LIST_QUEUE,
            Action.SUBMIT_KLAGE,
            Action.REVIEW_KLAGE,
            Action.SEND_LETTER,
            Action.ANSWER_SERVICEKLAGE,
            Action.LIST_PAYMENT_PROBLEMS,
            Action.READ_PAYMENT_DETAILS,
            Action.CHANGE_ACCOUNT,
            Action.REGISTER_REFUND,
            Action.HANDLE_PRIVACY_REQUEST,
        }
    ),
    Role.APPROVER: frozenset(
        {
            Action.READ_CASE,
            Action.SEARCH_PERSON,
            Action.APPROVE,
            Action.RETURN,
            Action.CLAIM_TASK,
            Action.LIST_QUEUE,
            Action.READ_PAYMENT_DETAILS,
        }
    ),
    # Klageinstans sees a case only once a klage on it has been sent to its unit.
    Role.APPEALS: frozenset(
        {
            Action.LIST_QUEUE,
            Action.READ_CASE,
            Action.CLAIM_TASK,
            Action.DECIDE_KLAGE,
            Action.REGISTER_ANKE,
        }
    ),
    Role.AUDITOR: frozenset({Action.READ_AUDIT}),
    Role.SYSTEM: frozenset(
        {
            Action.RUN_JOB,
            Action.READ_CASE,
            Action.ASSESS,
            Action.REGISTER_TAX_CARD,
        }
    ),
}

# Which role does each kind of task in a unit's queue. A task is done by its own unit, which
# for a klage sent on is NAV Klageinstans, not the unit that owns the case.
TASK_ROLES: dict[str, Role] = {
    "assess": Role.CASEWORKER,
    "klage": Role.CASEWORKER,  # the first instance reviews the klage before sending it on
    "approve": Role.APPROVER,
    "klageinstans": Role.APPEALS,
    "payment": Role.CASEWORKER,  # a payment held or rejected, a missing bank status, a check
    "regulering": Role.CASEWORKER,  # a grant the G-regulering could not regulate by itself
}

# Actions where the caller must say why (logged with the audit record).
NEEDS_PURPOSE = frozenset({Action.SEARCH_PERSON, Action.READ_AUDIT})


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is calling: from a verified token, never from the request body."""

    id: str
    name: str
    roles: frozenset[Role]
    unit: str | None = None
    person_id: str | None = None  # the caller's own person record (citizens; staff if known)
    clearances: frozenset[Clearance] = field(default_factory=frozenset)

    @property
    def role(self) -> Role:
        """The main role, for audit records: the most powerful one held."""
        for role in (
            Role.SYSTEM,
            Role.AUDITOR,
            Role.APPEALS,
            Role.APPROVER,
            Role.CASEWORKER,
            Role.CITIZEN,
        ):
            if role in self.roles:
                return role
        return Role.CITIZEN

    def has(self, role: Role) -> bool:
        return role in self.roles


@dataclass(frozen=True, slots=True)
class Task:
    """A task someone wants to claim: its kind, the unit whose queue it is in, and for an
    approval the caseworker who proposed the vedtak (who may not approve it)."""

    kind: str
    unit: str
    proposed_by: str | None = None


@dataclass(frozen=True, slots=True)
class Subject:
    """The person whose data is touched, and where their cases live."""

    person_id: str | None
    protection: str | None  # None: unknown (look-up failed)
    skjermet: bool = False
    case_units: frozenset[str] = frozenset()
    assigned_to: frozenset[str] = frozenset()
    # Units of NAV Klageinstans that a klage of this person (on this case) was sent to.
    appeal_units: frozenset[str] = frozenset()
    # Employees who took part in the first instance's handling of the case: none of them
    # may decide the klage at Klageinstans (fvl. § 6 and the two-tier appeal).
    handled_by: frozenset[str] = frozenset()
    # The task being claimed (CLAIM_TASK only): its own unit and kind decide who may take it.
    task: Task | None = None
    # Processing restricted under GDPR art. 18 (a restriction asked for or granted, or an
    # objection pending, art. 18(1)(d)): known only for staff callers (see `access`).
    restricted: bool = False


NOBODY = Subject(person_id=None, protection=Protection.NONE.value)


# Why a decision was made, as a stable code and the English sentence the audit record keeps.
# The code is what pages translate; the sentence stays the record's own words, so records
# written earlier still read the same. `{name}` is a value filled in (a unit, a task kind).
REASONS: dict[str, str] = {
    "role_may_not": "no role of the caller may {action}",
    "purpose_missing": "a purpose must be given",
    "part_of_role": "{action} is part of the caller's role",
    "no_task": "no task given (fail closed)",
    "task_needs_role": "the task ({kind}) needs the {role} role",
    "task_kind_unknown": "the task ({kind}) needs the a known role",
    "task_of_other_unit": "the task belongs to unit {unit}, not the caller's unit",
    "own_proposal": "totrinnskontroll: the caller proposed this vedtak and may not approve it",
    "own_data": "own data",
    "not_own_data": "citizens see only their own data",
    "system_job": "system job",
    "protection_unknown": "protection status unknown (fail closed)",
    "strengt_fortrolig": "strengt fortrolig adresse needs a special clearance",
    "fortrolig": "fortrolig adresse needs a special clearance",
    "skjermet": "skjermet person needs the skjerming clearance",
    "own_case": "employees may not handle their own case",
    "assigned": "assigned to the caller",
    "case_of_unit": "case belongs to the caller's unit {unit}",
    "no_case_of_unit": "no case of this person belongs to the caller's unit",
    "no_klage_to_unit": "no klage of this person was sent to the caller's unit",
    "handled_first_instance": "the caller handled this case in the first instance",
    "klage_to_unit": "klage sent to the caller's unit {unit}",
    "restricted_own_claim": (
        "processing restricted (GDPR art. 18): permitted only for the person's own claims"
        " and rights ({action})"
    ),
    "restricted_not_essential": (
        "processing restricted (GDPR art. 18): {action} is not needed for the person's own"
        " claims or rights"
    ),
}

# What a caseworker may still do with the data of a person whose processing is restricted
# (GDPR art. 18(2): besides storage, only for the establishment, exercise or defence of legal
# claims, with consent, or for an important public interest): everything that handles the
# person's own applications, appeals, payments and requests. Anything else is refused.
DURING_RESTRICTION = frozenset(
    {
        Action.READ_CASE,
        Action.SEARCH_PERSON,  # finding the person whose own case is to be handled
        Action.ASSESS,
        Action.REQUEST_INFORMATION,
        Action.PROPOSE,
        Action.APPROVE,
        Action.RETURN,
        Action.CLAIM_TASK,
        Action.SUBMIT_KLAGE,
        Action.REVIEW_KLAGE,
        Action.DECIDE_KLAGE,
        Action.REGISTER_ANKE,
        Action.SEND_LETTER,
        Action.ANSWER_SERVICEKLAGE,
        Action.READ_PAYMENT_DETAILS,
        Action.CHANGE_ACCOUNT,
        Action.REGISTER_REFUND,
        Action.HANDLE_PRIVACY_REQUEST,
    }
)


def _pattern(template: str) -> re.Pattern[str]:
    parts = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name:
            parts.append(f"(?P<{name}>.+?)")
    return re.compile("".join(parts))


_REASON_PATTERNS = {code: _pattern(template) for code, template in REASONS.items()}


def reason_code(reason: str | None) -> tuple[str, dict[str, str]] | None:
    """The code and values of a reason sentence as the audit record keeps it, or None for a
    sentence no rule writes (a record older than the codes, written by other words)."""
    for code, pattern in _REASON_PATTERNS.items():
        found = pattern.fullmatch(reason or "")
        if found:
            return code, found.groupdict()
    return None


@dataclass(frozen=True, slots=True)
class Decision:
    """`reason` goes to the audit record; `code` (a key of `REASONS`) and `values` say the same
    for pages that show it in the reader's language. `about_subject` marks a denial that
    depends on who the person is (protection, skjerming, unit): the caller is told only that
    access is denied, or a denial would reveal that a person has a protected address or works
    at NAV."""

    permit: bool
    code: str
    values: tuple[tuple[str, str], ...] = ()
    about_subject: bool = False

    @property
    def reason(self) -> str:
        return REASONS[self.code].format(**dict(self.values))


def _permit(code: str, **values: str) -> Decision:
    return Decision(True, code, tuple(values.items()))


def _deny(code: str, **values: str) -> Decision:
    return Decision(False, code, tuple(values.items()))


def _deny_for_subject(code: str, **values: str) -> Decision:
    return Decision(False, code, tuple(values.items()), about_subject=True)


def task_kinds_for(actor: Actor) -> frozenset[str]:
    """The kinds of task the actor's roles may do: the only ones their queue offers."""
    return frozenset(kind for kind, role in TASK_ROLES.items() if role in actor.roles)


def decide_task(actor: Actor, task: Task | None) -> Decision | None:
    """A denial if the task is not the actor's to take, else None (the person's data is then
    decided as for any case). The task's own unit and kind count, not the case's: a case of
    unit 0312 with a klage at Klageinstans has a task that only Klageinstans may take."""
    if task is None:
        return _deny("no_task")
    role = TASK_ROLES.get(task.kind)
    if role is None or role not in actor.roles:
        if role is None:
            return _deny("task_kind_unknown", kind=task.kind)
        return _deny("task_needs_role", kind=task.kind, role=role.value)
    if actor.unit is None or actor.unit != task.unit:
        # About the person: a task's unit says who may handle the case (Nav Vikafossen:
        # a strengt fortrolig address), so the caller is told only that access is denied.
        return _deny_for_subject("task_of_other_unit", unit=task.unit)
    if task.kind == "approve" and task.proposed_by == actor.id:
        return _deny("own_proposal")
    return None


def decide(actor: Actor, action: Action, subject: Subject, purpose: str | None) -> Decision:
    """Permit or deny `action` by `actor` on `subject`'s data. The first failing rule wins."""
    if not any(action in ROLE_ACTIONS[role] for role in actor.roles):
        return _deny("role_may_not", action=action.value)
    if action in NEEDS_PURPOSE and not (purpose and purpose.strip()):
        return _deny("purpose_missing")
    if action is Action.READ_AUDIT and subject.person_id is not None:
        # One person's trail tells who looked at them and why they were refused: only for
        # someone who may see the person (the records name the protection's unit and rule).
        refusal = _clearance_refusal(actor, subject)
        if refusal is not None:
            return refusal
    if action in (
        Action.READ_AUDIT,
        Action.RUN_JOB,
        Action.LIST_QUEUE,
        Action.LIST_PAYMENT_PROBLEMS,
    ):
        return _permit("part_of_role", action=action.value)
    if action is Action.CLAIM_TASK:
        refusal = decide_task(actor, subject.task)
        if refusal is not None:
            return refusal
    if actor.roles == {Role.CITIZEN}:
        return _decide_for_citizen(actor, subject)
    return _decide_for_staff(actor, action, subject)


def _decide_for_citizen(actor: Actor, subject: Subject) -> Decision:
    if actor.person_id is not None and actor.person_id == subject.person_id:
        return _permit("own_data")
    return _deny_for_subject("not_own_data")


def _decide_for_staff(actor: Actor, action: Action, subject: Subject) -> Decision:
    if actor.has(Role.SYSTEM):
        return _permit("system_job")
    refusal = _clearance_refusal(actor, subject)
    if refusal is not None:
        return refusal
    if actor.person_id is not None and actor.person_id == subject.person_id:
        return _deny_for_subject("own_case")
    if action in (Action.DECIDE_KLAGE, Action.REGISTER_ANKE) or (actor.roles == {Role.APPEALS}):
        decision = _decide_for_klageinstans(actor, action, subject)
    elif actor.id in subject.assigned_to:
        decision = _permit("assigned")
    elif actor.unit is not None and actor.unit in subject.case_units:
        decision = _permit("case_of_unit", unit=actor.unit)
    else:
        return _deny_for_subject("no_case_of_unit")
    if decision.permit and subject.restricted:
        return _restricted(action)
    return decision


# Which clearance each protection needs (kode 6 and kode 19 alike); "none" needs none.
CLEARANCE_FOR: dict[str, Clearance | None] = {
    Protection.NONE.value: None,
    Protection.FORTROLIG.value: Clearance.FORTROLIG,
    Protection.STRENGT_FORTROLIG.value: Clearance.STRENGT_FORTROLIG,
    Protection.STRENGT_FORTROLIG_UTLAND.value: Clearance.STRENGT_FORTROLIG,
}


def _clearance_refusal(actor: Actor, subject: Subject) -> Decision | None:
    """A denial if the person's protection or skjerming needs a clearance the actor lacks
    (an unknown protection always denies), else None."""
    protection = subject.protection
    if protection is None or protection not in CLEARANCE_FOR:
        return _deny_for_subject("protection_unknown")
    needed = CLEARANCE_FOR[protection]
    if needed is not None and needed not in actor.clearances:
        return _deny_for_subject(protection.removesuffix("_utland"))
    if subject.skjermet and Clearance.SKJERMING not in actor.clearances:
        return _deny_for_subject("skjermet")
    return None


def visible_protections(actor: Actor) -> tuple[frozenset[str], bool]:
    """The protections of the persons the actor's clearances let them see, and whether that
    includes skjermet persons: what a list of many persons' records may show them."""
    seen = frozenset(
        protection
        for protection, needed in CLEARANCE_FOR.items()
        if needed is None or needed in actor.clearances
    )
    return seen, Clearance.SKJERMING in actor.clearances


def _restricted(action: Action) -> Decision:
    """GDPR art. 18: the person's data is only stored, and used for their own claims and
    rights; the audit record says so for each use, and anything else is refused."""
    if action in DURING_RESTRICTION:
        return _permit("restricted_own_claim", action=action.value)
    return _deny("restricted_not_essential", action=action.value)


def _decide_for_klageinstans(actor: Actor, action: Action, subject: Subject) -> Decision:
    """NAV Klageinstans works only on cases whose klage was sent to its own unit, and never
    on a klage about a case the same employee handled in the first instance."""
    if actor.unit is None or actor.unit not in subject.appeal_units:
        return _deny_for_subject("no_klage_to_unit")
    if action is Action.DECIDE_KLAGE and actor.id in subject.handled_by:
        return _deny("handled_first_instance")
    return _permit("klage_to_unit", unit=actor.unit)


def roles_from(names: Iterable[str]) -> frozenset[Role]:
    """Roles from token claims; unknown names are ignored (they grant nothing)."""
    known = {r.value: r for r in Role}
    return frozenset(known[n] for n in names if n in known)


def clearances_from(names: Iterable[str]) -> frozenset[Clearance]:
    known = {c.value: c for c in Clearance}
    return frozenset(known[n] for n in names if n in known)
