"""What trygd says about a benefit besides its rules: the shape of its home's `profile.py`.

Each benefit lives in one package, `trygd.rules.benefits.<id>`: its rules (`rules.py`) and its
profile (`profile.py`), an instance of `BenefitProfile` below. The profile is plain data: the
names the pages and letters use, the questions of the application pages, the facts a change
report may change, the letter wording, which NAV unit handles the benefit, whether it may be
decided automatically, and where the benefit guide suggests it. The other layers (domain,
letters, services, web) read it through `trygd.rules.benefits.PROFILES` and keep no tables of
their own, so adding a benefit means adding its home and its texts (see docs/architecture.md,
"One home per benefit").

The words are gettext message ids in English, translated where they are shown: marked with
`P_` (page) when the web catalogues (`trygd/web/catalogues`) hold them, with `L_` (letter) when
the letter catalogues (`trygd/letters/catalogues`) do. Both markers return their argument
unchanged; they only let the catalogue extraction find the texts, each its own (neither is
one of Babel's default keywords, so extracting one kind never picks up the other). This
module stays pure: no gettext, no web, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal


def P_(message: str) -> str:
    """A page text (web catalogues), translated where it is shown."""
    return message


def L_(message: str) -> str:
    """A letter text (letter catalogues), translated where the letter is built."""
    return message


# Where the routing facts were found (NAV's open-source code: repository, commit, path).
_KLAGE_KODEVERK = "github.com/navikt/klage-kodeverk (commit cb9d67b)"
SRC_ENHET = f"{_KLAGE_KODEVERK}: src/main/kotlin/no/nav/klage/kodeverk/Enhet.kt"
SRC_VEDTAKSENHETER = (
    f"{_KLAGE_KODEVERK}: src/main/kotlin/no/nav/klage/kodeverk/ytelse/YtelseToVedtaksenheter.kt"
)
SRC_KLAGEENHETER = (
    f"{_KLAGE_KODEVERK}: src/main/kotlin/no/nav/klage/kodeverk/ytelse/YtelseToKlageenheter.kt"
)
SRC_AAP_OPPGAVE = (
    "github.com/navikt/aap-oppgave (commit aedaaf5): "
    "app/src/main/kotlin/no/nav/aap/oppgave/enhet/EnhetService.kt and Enhet.kt"
)

MELDEKORT = (
    L_("You must send us an employment status form (meldekort) every {days} days."),
    L_("We pay you for those {days} days after we have received the form."),
)
"""How a benefit paid by meldekort is paid (dagpenger, AAP): a payment section's wording;
`{days}` is the benefit's meldeperiode (`Letters.days_parameter`)."""

QuestionKind = Literal["yesno", "money", "hours", "whole", "percent", "date", "from_date", "period"]
"""How a question is answered. "period": the first and the last day of one period on one
page (a sick note), for a list fact of graded periods; the first day is the claim date, and
the grade is the answer to the question `Application.period_grade` names."""

CLAIM_DATE = "claim_date"
"""The date a person applies from: not a fact of the application but its `claim_date`, asked
like a fact by the benefits whose first question it is."""


@dataclass(frozen=True)
class Question:
    """One question of the application pages, about one fact of the application format.

    `text` is the page heading and `hint` the help under it (page texts, `P_`); `maximum` is
    the largest whole number the answer may be, where the kind has no natural limit."""

    fact: str
    kind: QuestionKind
    text: str
    hint: str | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Names:
    """What the benefit is called where. Pages: `heading` (a title, "Dagpenger"), `in_text`
    (inside a sentence, lower case in Norwegian), `staff` (the short label of staff lists), and
    `stops` (the sentence "Your <benefit> stop(s) from %(day)s.", whole because nb and nn put
    the name in its definite form). Letters: `letter` (inside a sentence) and `letter_title`
    (with the Norwegian name in brackets)."""

    heading: str
    in_text: str
    staff: str
    stops: str
    letter: str
    letter_title: str


@dataclass(frozen=True)
class Letters:
    """The benefit's own wording in a vedtak letter (letter texts, `L_`).

    `headline` names the amount a grant states first and per what ("day" or "month"); the
    vedtak page shows the same one. `payment_from` is the amount holding the first day paid
    when it is not the day the vedtak takes effect, with `payment_intro` said before it.
    `payment` is what the payment section adds, and `changes` the examples of changes the
    person must report. `days_parameter` names the parameter whose value fills `{days}` in the
    payment sentences (the meldeperiode, the employer period): no sentence types a count."""

    headline: tuple[str, Literal["day", "month"]]
    payment: tuple[str, ...]
    changes: tuple[str, ...]
    payment_from: str | None = None
    payment_intro: tuple[str, ...] = ()
    days_parameter: str | None = None


@dataclass(frozen=True)
class Application:
    """The application pages: the questions in order, and the checks that involve more than
    one answer or no answer at all.

    `nested_amounts` is a pair of money facts where the second covers a longer period that
    includes the first, so it can never be smaller (the page asks to check both).
    `looked_up` are list facts NAV finds itself: sent as an empty list, never asked.
    `period_grade` is the percent question whose answer is the grade of the one period a
    "period" question gives (the pages ask one period; a list of several is for the API)."""

    questions: tuple[Question, ...]
    nested_amounts: tuple[str, str] | None = None
    looked_up: tuple[str, ...] = ()
    period_grade: str | None = None


@dataclass(frozen=True)
class Routing:
    """Which NAV unit decides the benefit when no address protection applies, and which NAV
    Klageinstans units review its klager, with where that was found (see
    `trygd.domain.units`). `unit` None: the person's local NAV office."""

    unit: str | None
    klageinstans: tuple[str, ...]
    source: str
    status: Literal["confirmed", "unconfirmed"]
    note: str


@dataclass(frozen=True)
class Automation:
    """Whether the benefit may be decided without a caseworker (under the legal basis of
    `trygd.domain.automation`, which is the same for every benefit), and why."""

    automatic: bool
    reason: str


@dataclass(frozen=True)
class Coverage:
    """How far a granted claim reaches (see `trygd.domain.claims`), counted from the day the
    claim took effect. `weeks_amount`: the number of weeks in the grant's amount `name`;
    `date_amount`: the ISO date in the grant's amount `name`; `years_parameter`: the number of
    years in parameter `name` on the day the claim took effect; `no_end`: no known end."""

    kind: Literal["weeks_amount", "date_amount", "years_parameter", "no_end"]
    name: str = ""


@dataclass(frozen=True)
class Regulation:
    """Whether a running grant follows a new G (G-regulering, normally from 1 May, ftrl.
    § 1-4), and on what basis. `regulated` True: the grant is assessed again with the new G
    in place of the G it used (its income, dates and other parameters unchanged), from the
    day the new G takes effect; False: the amount stays as granted. `status` says whether the
    basis was read in the law (`confirmed`) or inferred (`unconfirmed`, see `note`)."""

    regulated: bool
    legal_basis: str
    source: str
    status: Literal["confirmed", "unconfirmed"]
    note: str = ""


@dataclass(frozen=True)
class Guide:
    """Where the benefit guide suggests the benefit: `situations` maps a guide situation to
    the benefit's rank there (1 closest). `facts` maps a fact of the application format to the
    guide answer that gives it; `birth_date` is always given, and an unanswered answer
    leaves its fact unknown."""

    situations: Mapping[str, int]
    facts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Payments:
    """How a running benefit is paid (read by `trygd.domain.payments`; ftrl. § 22-10).

    `per_weekday`: the record's amount `amounts[0][1]` for every weekday of the periods in
    the input fact `periods_fact` (ftrl. § 8-11), a line per calendar month, paid to the person
    or, when the fact `employer_refund` says so, refunded to the employer (ftrl. § 22-3);
    `per_month`: each (kind suffix, amount) per whole month, on the payment day;
    `per_meldekort`: the gross of each approved meldekort period. A payment's kind is the
    benefit id followed by the suffix ("" for the benefit itself). `legal_basis` names the
    entry of `legal_bases.toml` that says why a period is paid as it is (the pages and letters
    print it with each payment)."""

    schedule: Literal["per_weekday", "per_month", "per_meldekort"]
    amounts: tuple[tuple[str, str], ...] = ()
    periods_fact: str = ""
    first_day_amount: str = ""
    first_refused_day_amount: str = ""
    legal_basis: str = ""


@dataclass(frozen=True)
class BenefitProfile:
    """Everything trygd says about one benefit besides its rules (`Benefit`)."""

    id: str
    names: Names
    application: Application
    changeable: Mapping[str, str]
    """The facts a person can report a change of (endringsmelding), with the page text that
    names each; the others NAV finds out itself or are about the time before the claim."""
    letters: Letters
    routing: Routing
    automation: Automation
    coverage: Coverage
    guide: Guide
    payments: Payments | None = None
    regulation: Regulation | None = None
    health_data: bool = False
    """The case rests on health data (a special category, GDPR art. 9): a citizen sees it, on
    the pages and through the API, only after signing in at ID-porten's high level of
    assurance (`idporten-loa-high`; `trygd.privacy.policy.required_assurance`); other cases
    need substantial (docs/privacy.md, "Levels of sign-in")."""
