"""What a request for erasure (GDPR art. 17, "sletting") can erase, and what NAV must keep.

NAV is a public authority that processes most of a person's data under a legal obligation:
an erasure request does not reach what a law requires NAV to keep (art. 17(3)(b)): the
archive law (arkivloven) for applications as sent, decisions, letters, appeals, meldekort
and case history; the accounting rules for payments; the accountability rule of art. 5(2)
for the audit records and the person's own requests. What it can reach is what no law
requires: an application or meldekort started and never sent, the documents uploaded only to
such an application, and what has outlived its retention period
(`rules/parameters/retention.toml`) but has not yet been removed by the retention run.
trygd stores no other contact preferences or profile data that the person could have erased
(the language of letters is the register's målform).

Each kind of record is one declaration: whether it can be erased, how (deleted or
anonymised), and the name of its legal basis in `rules/legal_bases.toml`. The erasable kinds
carry the names the retention run uses for the same records, because the erasure is done by
the retention run's own steps, limited to one person (`trygd.services.retention.erase_person`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Category:
    """One kind of the person's records, and what an erasure request does to it."""

    name: str
    action: Literal["deleted", "anonymised", "kept"]
    legal_basis: str  # an entry of rules/legal_bases.toml

    @property
    def erasable(self) -> bool:
        return self.action != "kept"


ERASABLE = (
    Category("unsent_applications", "deleted", "erasure_not_needed"),
    Category("documents_of_unsent_applications", "deleted", "erasure_not_needed"),
    Category("unsent_meldekort", "deleted", "erasure_not_needed"),
    Category("rejected_applications", "anonymised", "erasure_past_retention"),
    Category("documents_of_rejected_applications", "deleted", "erasure_past_retention"),
    Category("sent_drafts_of_rejected_applications", "deleted", "erasure_past_retention"),
)
KEPT = (
    Category("applications", "kept", "erasure_kept_archive"),
    Category("decisions", "kept", "erasure_kept_archive"),
    Category("letters", "kept", "erasure_kept_archive"),
    Category("appeals", "kept", "erasure_kept_archive"),
    Category("meldekort", "kept", "erasure_kept_archive"),
    Category("payments", "kept", "erasure_kept_accounting"),
    Category("access_log_and_requests", "kept", "erasure_kept_accountability"),
)
CATEGORIES = {category.name: category for category in (*ERASABLE, *KEPT)}


def outcome(erased: int, kept: int) -> Literal["granted", "partly", "refused"]:
    """The outcome of an erasure the caseworker carried out: granted when everything the
    person had was erased (or there was nothing), partly when something was erased and
    something kept, refused when everything had to be kept."""
    if kept == 0:
        return "granted"
    return "partly" if erased else "refused"
