"""What the services hand over to build each kind of letter.

The services read the case from the database and fill in one of these; the builders in
`build` turn it into a `Letter` in the chosen language. Every date here is already computed
(deadlines come from `trygd.domain.deadlines`), so building a letter needs no clock and no
database, and the same data always gives the same letter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from trygd.domain.payment_summary import VedtakPayments
from trygd.letters.model import Language

VedtakKind = Literal[
    "forstegangsbehandling",  # first decision on a søknad
    "revurdering",  # after an endringsmelding; replaces an earlier vedtak
    "omgjoring",  # the first instance changes its own decision after a klage (fvl. § 33)
    "etter_klageinstans",  # carries out a decision of NAV Klageinstans in the person's favour
    "etter_anke",  # carries out a judgment of Trygderetten or the court of appeal
]
KlageinstansOutcome = Literal["stadfestet", "omgjort", "delvis_omgjort", "opphevet"]


@dataclass(frozen=True)
class Common:
    """Shared by every letter."""

    language: Language
    letter_date: dt.date
    recipient: str  # the person's name
    reference: str  # the case reference shown to the person (a short form of the sak id)
    sender: str  # "4450 Nav Arbeid og ytelser Kristiania" – number and name of the unit
    benefit: str  # dagpenger | sykepenger | aap | uforetrygd


@dataclass(frozen=True)
class CaseworkerReason:
    """A condition a caseworker assessed (a vurdering), with the reason they wrote."""

    condition_id: str
    reason: str


@dataclass(frozen=True)
class VedtakLetterData:
    common: Common
    kind: VedtakKind
    outcome: Literal["granted", "rejected"]
    automatic: bool
    automation_legal_basis: str | None
    # The stored rule result (format trygd.assessment/1), explained in `common.language`:
    # conditions and calculations with title, legal_basis, status, explanation, facts_used.
    assessment: dict[str, Any]
    caseworker_reasons: tuple[CaseworkerReason, ...]
    effective_from: dt.date
    klage_deadline: dt.date  # computed from letter_date (the day it reaches a digital inbox)
    klage_deadline_weeks: int
    klage_legal_basis: str  # the klage deadline parameter's legal basis
    signatures: tuple[str, ...] = ()  # caseworker and approver (empty when automatic)
    replaces_vedtak_date: dt.date | None = None  # for revurdering, omgjøring and the like
    klage_reference_date: dt.date | None = None  # the klage this vedtak answers, if any
    # What a granted vedtak pays (from its stored record, through the payment plan): the
    # letter's payment section; None where nothing is paid or the plan lacks a fact.
    payment: VedtakPayments | None = None


@dataclass(frozen=True)
class InformationRequestLetterData:
    common: Common
    description: str  # the caseworker's own words on what is needed and why
    facts_requested: tuple[str, ...]  # fact names from the benefit's rules (labels via texts)
    deadline: dt.date


@dataclass(frozen=True)
class AdvanceNoticeLetterData:
    """Forhåndsvarsel (fvl. § 16): what NAV is about to decide, and the chance to comment."""

    common: Common
    planned_decision: str  # caseworker's text: what NAV considers deciding
    reason: str  # caseworker's text: why
    deadline: dt.date


@dataclass(frozen=True)
class KlageReceivedLetterData:
    common: Common
    vedtak_date: dt.date
    received_date: dt.date
    fristavbrytende: bool  # a short notice that stops the clock; full grounds come later
    grounds_deadline: dt.date | None  # when the full grounds must arrive (fristavbrytende)
    late: bool  # received after the klage deadline: a caseworker decides (fvl. § 31)
    klage_deadline: dt.date


@dataclass(frozen=True)
class KlageForwardedLetterData:
    """The first instance upholds its decision and sends the case to NAV Klageinstans."""

    common: Common
    vedtak_date: dt.date
    klage_received_date: dt.date
    statement: str  # the first instance's statement (oversendelse), the person gets a copy
    comment_deadline: dt.date
    klageinstans: str  # "4291 Nav klageinstans Oslo og Akershus"


@dataclass(frozen=True)
class KlageinstansDecisionLetterData:
    common: Common
    vedtak_date: dt.date
    klage_received_date: dt.date
    outcome: KlageinstansOutcome
    reasons: str  # Klageinstans' reasons in its own words
    anke_deadline: dt.date | None  # None when the case is sent back (opphevet): no anke yet
    anke_deadline_weeks: int
    anke_legal_basis: str  # the anke deadline parameter's legal basis
    signatures: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServiceklageAnswerLetterData:
    common: Common
    received_date: dt.date
    complaint_summary: str
    answer: str
    signatures: tuple[str, ...] = field(default=())


PrivacyRequestKind = Literal[
    "access", "correction", "erasure", "restriction", "objection", "manual_review"
]


@dataclass(frozen=True)
class ErasureLine:
    """One kind of the person's records in the answer to an erasure request: what was done
    to it (deleted, anonymised or kept), how many, and the legal basis
    (`trygd.domain.erasure`)."""

    category: str
    action: Literal["deleted", "anonymised", "kept"]
    count: int
    legal_basis: str


@dataclass(frozen=True)
class PrivacyAnswerLetterData:
    """The answer to a request under GDPR art. 15-22 (the caseworker's own words)."""

    common: Common
    kind: PrivacyRequestKind
    received_date: dt.date
    outcome: Literal["granted", "partly", "refused"]
    answer: str
    legal_basis: str
    signatures: tuple[str, ...] = field(default=())
    # erasure only: what was erased and what kept, each with its legal basis
    erased: tuple[ErasureLine, ...] = field(default=())
    kept: tuple[ErasureLine, ...] = field(default=())


@dataclass(frozen=True)
class PrivacyExtensionLetterData:
    """The notice that the answer to a GDPR request takes longer (art. 12(3)): the new last
    day (from the deadline module) and the reason."""

    common: Common
    kind: PrivacyRequestKind
    received_date: dt.date
    first_deadline: dt.date
    new_deadline: dt.date
    reason: str
    legal_basis: str  # that of the extension parameter
    signatures: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class FeilutbetaltPeriodLine:
    """One period of a feilutbetaling as the letters print it (amounts in øre)."""

    start: dt.date
    end: dt.date
    paid_ore: int
    correct_ore: int


@dataclass(frozen=True)
class TilbakekrevingVarselLetterData:
    """Forhåndsvarsel about a tilbakekreving (fvl. § 16): the amount, the periods, why, and
    the deadline to comment (from the deadline module)."""

    common: Common
    feilutbetalt_ore: int
    periods: tuple[FeilutbetaltPeriodLine, ...]
    vedtak_date: dt.date  # the revurdering vedtak that made the feilutbetaling
    effective_from: dt.date
    deadline: dt.date
    deadline_legal_basis: str


@dataclass(frozen=True)
class TilbakekrevingVedtakLetterData:
    """The tilbakekreving vedtak (fvl. §§ 24-25): the result, each rule's reason with its
    legal basis (explained in the letter's language from the stored result), the amounts,
    how it is recovered, and the klage deadline."""

    common: Common
    outcome: str  # full, partial, none
    feilutbetalt_ore: int
    recovered_ore: int
    rentetillegg_ore: int
    claim_ore: int
    periods: tuple[FeilutbetaltPeriodLine, ...]
    reasons: tuple[tuple[str, str, str], ...]  # (title, explanation, legal basis) per rule
    recovery_method: str | None  # setoff, handed_on or None (nothing to pay)
    setoff_share: float
    klage_deadline: dt.date
    klage_deadline_weeks: int
    klage_legal_basis: str
    signatures: tuple[str, ...] = ()
