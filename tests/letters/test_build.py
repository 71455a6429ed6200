"""The content of every kind of letter in bokmål, nynorsk and English (trygd.letters.build).

Vedtak letters are built from real rule results of the examples in examples/; the other
letters from data a caseworker could have written. Each test checks what the law requires
the letter to say (deadline dates, legal bases, the unit, the right to appeal), that the text
is plain (LIX below 40 in bokmål), that nynorsk is nynorsk, and that the catalogues are
complete.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_file

from trygd.domain.payment_summary import PaidPart, VedtakPayments
from trygd.letters import build as build_module
from trygd.letters.build import build_letter
from trygd.letters.data import (
    AdvanceNoticeLetterData,
    CaseworkerReason,
    Common,
    InformationRequestLetterData,
    KlageForwardedLetterData,
    KlageinstansDecisionLetterData,
    KlageReceivedLetterData,
    ServiceklageAnswerLetterData,
    VedtakLetterData,
)
from trygd.letters.i18n import catalogue_problems, template_ids, translator
from trygd.letters.model import Language, Letter, Table
from trygd.letters.readability import lix
from trygd.rules.assessment import assess
from trygd.rules.benefits import PROFILES, profile_sources
from trygd.rules.formatting import date as format_date
from trygd.rules.texts import catalogue
from trygd.services.records import validate_facts

LANGUAGES: tuple[Language, ...] = ("nb", "nn", "en")
ROOT = Path(__file__).resolve().parents[2]
LETTER_DATE = dt.date(2026, 11, 13)
KLAGE_DEADLINE = dt.date(2026, 12, 28)
UNIT = "4450 Nav Arbeid og ytelser Kristiania"
KLAGEINSTANS = "4291 Nav klageinstans Oslo og Akershus"
AUTOMATION_BASIS = "NAV-loven § 4 a; GDPR art. 22 nr. 2 bokstav b"
KLAGE_BASIS = "ftrl. § 21-12; fvl. §§ 28-29"
ANKE_BASIS = "trygderettsloven §§ 9-11"
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:[:!][^}]*)?\}")


def common(language: Language, benefit: str, sender: str = UNIT) -> Common:
    return Common(language, LETTER_DATE, "Kari Nordmann", "4F2K9A1B", sender, benefit)


def text(language: Language, **by_language: str) -> str:
    return by_language[language]


@cache
def example_assessment(example: str, language: Language) -> tuple[str, dict[str, Any]]:
    data = json.loads((ROOT / "examples" / f"{example}.json").read_text(encoding="utf-8"))
    at = dt.date.fromisoformat(data["claim_date"])
    facts = validate_facts(data["benefit"], at, data["facts"]).facts
    return data["benefit"], assess(data["benefit"], facts, at, language=language).to_dict()


# -- the vedtak scenarios -----------------------------------------------------------------------


def work_capacity_reason(language: Language) -> CaseworkerReason:
    return CaseworkerReason(
        "aap.work_capacity_reduced",
        text(
            language,
            nb="Legen skriver at du kan jobbe litt under halv tid. "
            "Det betyr at arbeidsevnen din er nedsatt med mer enn halvparten. "
            "Vi har lagt vekt på legeerklæringen fra mars.",
            nn="Legen skriv at du kan jobbe litt under halv tid. "
            "Det betyr at arbeidsevna di er nedsett med meir enn halvparten. "
            "Vi har lagt vekt på legeerklæringa frå mars.",
            en="Your doctor writes that you can work a little under half time. "
            "This means that your work capacity is reduced by more than half. "
            "We have given weight to the medical statement from March.",
        ),
    )


def earning_capacity_reason(language: Language) -> CaseworkerReason:
    return CaseworkerReason(
        "uforetrygd.reduced_earning_capacity",
        text(
            language,
            nb="Du har jobbet 60 prosent det siste året. Legen mener at du kan fortsette med "
            "det. Inntektsevnen din er derfor ikke nedsatt med minst halvparten.",
            nn="Du har jobba 60 prosent det siste året. Legen meiner at du kan halde fram med "
            "det. Inntektsevna di er difor ikkje nedsett med minst halvparten.",
            en="You have worked 60 percent over the last year. Your doctor thinks that you can "
            "go on doing so. Your earning capacity is therefore not reduced by at least half.",
        ),
    )


def vedtak(
    example: str,
    language: Language,
    *,
    kind: Any = "forstegangsbehandling",
    automatic: bool = True,
    reasons: tuple[CaseworkerReason, ...] = (),
    replaces: dt.date | None = None,
    klage_date: dt.date | None = None,
    payment: VedtakPayments | None = None,
) -> VedtakLetterData:
    benefit, assessment = example_assessment(example, language)
    return VedtakLetterData(
        common=common(language, benefit),
        kind=kind,
        outcome=assessment["outcome"],
        automatic=automatic,
        automation_legal_basis=AUTOMATION_BASIS if automatic else None,
        assessment=assessment,
        caseworker_reasons=reasons,
        effective_from=dt.date(2026, 11, 2),
        klage_deadline=KLAGE_DEADLINE,
        klage_deadline_weeks=6,
        klage_legal_basis=KLAGE_BASIS,
        signatures=() if automatic else ("Ola Saksbehandler", "Eva Beslutter"),
        replaces_vedtak_date=replaces,
        klage_reference_date=klage_date,
        payment=payment,
    )


# What the payment plan of each kind of benefit gives a letter (trygd.domain.payment_summary).
UFORE_PAYMENTS = VedtakPayments(
    (
        PaidPart("uforetrygd", "benefit", 2050100, "month"),
        PaidPart("uforetrygd_barnetillegg", "supplement", 433900, "month"),
    ),
    (dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
    dt.date(2026, 12, 20),
    False,
    None,
    "person",
    "payment_uforetrygd",
)
REFUND_PAYMENTS = VedtakPayments(
    (PaidPart("sykepenger_refusjon", "refund", 184650, "day"),),
    (dt.date(2026, 10, 19), dt.date(2026, 10, 31)),
    LETTER_DATE,
    True,
    dt.date(2027, 1, 15),
    "employer",
    "payment_sykepenger",
)
MELDEKORT_PAYMENTS = VedtakPayments(
    (PaidPart("dagpenger", "benefit", None, "meldeperiode"),),
    (dt.date(2026, 11, 2), dt.date(2026, 11, 15)),
    dt.date(2026, 11, 16),
    False,
    None,
    "person",
    "payment_dagpenger",
)


VEDTAK_SCENARIOS = {
    "dagpenger granted, automatic": lambda lang: vedtak("dagpenger-lost-job", lang),
    "sykepenger rejected, automatic": lambda lang: vedtak("sykepenger-truls", lang),
    "sykepenger gradert granted, automatic": lambda lang: vedtak("sykepenger-gradert", lang),
    "aap granted, manual": lambda lang: vedtak(
        "aap-after-sykepenger", lang, automatic=False, reasons=(work_capacity_reason(lang),)
    ),
    "aap rejected, manual": lambda lang: vedtak("aap-40-percent", lang, automatic=False),
    "uføretrygd rejected, manual": lambda lang: vedtak(
        "uforetrygd-40-prosent-uten-aap",
        lang,
        automatic=False,
        reasons=(earning_capacity_reason(lang),),
    ),
    "uføretrygd granted, manual": lambda lang: vedtak(
        "uforetrygd-60-prosent", lang, automatic=False
    ),
    "uføretrygd granted, with its payments": lambda lang: vedtak(
        "uforetrygd-60-prosent", lang, automatic=False, payment=UFORE_PAYMENTS
    ),
    "sykepenger granted, refunded to the employer": lambda lang: vedtak(
        "sykepenger-gradert", lang, payment=REFUND_PAYMENTS
    ),
    "dagpenger granted, paid per meldekort": lambda lang: vedtak(
        "dagpenger-lost-job", lang, payment=MELDEKORT_PAYMENTS
    ),
    "dagpenger revurdering": lambda lang: vedtak(
        "dagpenger-lost-job", lang, kind="revurdering", replaces=dt.date(2026, 6, 20)
    ),
    "sykepenger omgjøring": lambda lang: vedtak(
        "sykepenger-lisa",
        lang,
        kind="omgjoring",
        automatic=False,
        replaces=dt.date(2026, 8, 3),
        klage_date=dt.date(2026, 9, 1),
    ),
    "uføretrygd etter klageinstans": lambda lang: vedtak(
        "uforetrygd-ung-ufor",
        lang,
        kind="etter_klageinstans",
        automatic=False,
        replaces=dt.date(2026, 3, 10),
        klage_date=dt.date(2026, 4, 2),
    ),
    "aap etter anke": lambda lang: vedtak(
        "aap-young-no-income",
        lang,
        kind="etter_anke",
        automatic=False,
        replaces=dt.date(2025, 9, 1),
    ),
}


# -- the other letters --------------------------------------------------------------------------


def information_request(language: Language) -> InformationRequestLetterData:
    return InformationRequestLetterData(
        common=common(language, "dagpenger"),
        description=text(
            language,
            nb="Vi trenger en oversikt over inntekten din de siste 12 månedene. "
            "Lønnsslipper eller en bekreftelse fra arbeidsgiveren holder.",
            nn="Vi treng ei oversikt over inntekta di dei siste 12 månadene. "
            "Lønsslippar eller ei stadfesting frå arbeidsgivaren er nok.",
            en="We need an overview of your income in the last 12 months. "
            "Payslips or a confirmation from your employer will do.",
        ),
        facts_requested=("income_12m", "normal_working_hours"),
        deadline=dt.date(2026, 11, 27),
    )


def advance_notice(language: Language) -> AdvanceNoticeLetterData:
    return AdvanceNoticeLetterData(
        common=common(language, "dagpenger"),
        planned_decision=text(
            language,
            nb="Vi vurderer å stanse dagpengene dine fra 1. desember 2026.",
            nn="Vi vurderer å stanse dagpengane dine frå 1. desember 2026.",
            en="We are considering stopping your unemployment benefit from 1 December 2026.",
        ),
        reason=text(
            language,
            nb="Vi har fått vite at du har begynt i ny jobb. Du jobber 30 timer i uka. "
            "Da har du ikke lenger tapt nok arbeidstid.",
            nn="Vi har fått vite at du har byrja i ny jobb. Du jobbar 30 timar i veka. "
            "Då har du ikkje lenger tapt nok arbeidstid.",
            en="We have been told that you have started a new job. You work 30 hours a week. "
            "You have then no longer lost enough working time.",
        ),
        deadline=dt.date(2026, 11, 27),
    )


def klage_received(
    language: Language, *, fristavbrytende: bool = False, late: bool = False
) -> KlageReceivedLetterData:
    return KlageReceivedLetterData(
        common=common(language, "sykepenger"),
        vedtak_date=dt.date(2026, 8, 3),
        received_date=dt.date(2026, 9, 20) if late else dt.date(2026, 9, 1),
        fristavbrytende=fristavbrytende,
        grounds_deadline=dt.date(2026, 10, 1) if fristavbrytende else None,
        late=late,
        klage_deadline=dt.date(2026, 9, 14),
    )


def klage_forwarded(language: Language) -> KlageForwardedLetterData:
    return KlageForwardedLetterData(
        common=common(language, "sykepenger"),
        vedtak_date=dt.date(2026, 8, 3),
        klage_received_date=dt.date(2026, 9, 1),
        statement=text(
            language,
            nb="Du har klaget på avslaget på sykepenger. Du mener at du var i jobb før du ble "
            "syk.\n\nVi har sjekket arbeidsforholdet ditt. Du begynte i jobben 25. juli 2026. "
            "Du ble syk 11. august. Du hadde ikke vært i jobb i fire uker. "
            "Vi mener derfor at vedtaket er riktig.",
            nn="Du har klaga på avslaget på sjukepengar. Du meiner at du var i jobb før du "
            "vart sjuk.\n\nVi har sjekka arbeidsforholdet ditt. Du byrja i jobben 25. juli "
            "2026. Du vart sjuk 11. august. Du hadde ikkje vore i jobb i fire veker. "
            "Vi meiner difor at vedtaket er rett.",
            en="You have appealed against the rejection of sickness benefit. You say that you "
            "were working before you became ill.\n\nWe have checked your employment. You "
            "started the job on 25 July 2026. You became ill on 11 August. You had not been "
            "working for four weeks. We therefore think that the decision is right.",
        ),
        comment_deadline=dt.date(2026, 10, 5),
        klageinstans=KLAGEINSTANS,
    )


def klageinstans_decision(language: Language, outcome: Any) -> KlageinstansDecisionLetterData:
    return KlageinstansDecisionLetterData(
        common=common(language, "sykepenger", sender=KLAGEINSTANS),
        vedtak_date=dt.date(2026, 8, 3),
        klage_received_date=dt.date(2026, 9, 1),
        outcome=outcome,
        reasons=text(
            language,
            nb="Vi har gått gjennom alle dokumentene i saken. "
            "Vi har lagt vekt på det du skrev i klagen, og på opplysningene fra arbeidsgiveren.",
            nn="Vi har gått gjennom alle dokumenta i saka. "
            "Vi har lagt vekt på det du skreiv i klagen, og på opplysningane frå arbeidsgivaren.",
            en="We have gone through all the documents in the case. "
            "We have given weight to what you wrote and to the information from your employer.",
        ),
        anke_deadline=None if outcome == "opphevet" else dt.date(2026, 12, 28),
        anke_deadline_weeks=6,
        anke_legal_basis=ANKE_BASIS,
        signatures=("Nina Klagebehandler",),
    )


def serviceklage_answer(language: Language) -> ServiceklageAnswerLetterData:
    return ServiceklageAnswerLetterData(
        common=common(language, ""),
        received_date=dt.date(2026, 11, 2),
        complaint_summary=text(
            language,
            nb="Du ventet lenge i telefonen. Du fikk heller ikke svar på en melding du sendte.",
            nn="Du venta lenge i telefonen. Du fekk heller ikkje svar på ei melding du sende.",
            en="You waited a long time on the phone. You also got no answer to a message.",
        ),
        answer=text(
            language,
            nb="Vi beklager at du måtte vente. Vi hadde mange henvendelser i november. "
            "Nå har vi flere folk på telefonen.",
            nn="Vi beklagar at du måtte vente. Vi hadde mange førespurnader i november. "
            "No har vi fleire folk på telefonen.",
            en="We are sorry that you had to wait. We had many enquiries in November. "
            "We now have more people answering the phone.",
        ),
        signatures=("Per Veileder",),
    )


OTHER_SCENARIOS = {
    "information request": information_request,
    "advance notice": advance_notice,
    "klage received": klage_received,
    "klage received, fristavbrytende": lambda lang: klage_received(lang, fristavbrytende=True),
    "klage received, late": lambda lang: klage_received(lang, late=True),
    "klage received, late and fristavbrytende": lambda lang: klage_received(
        lang, fristavbrytende=True, late=True
    ),
    "klage forwarded": klage_forwarded,
    "klageinstans stadfestet": lambda lang: klageinstans_decision(lang, "stadfestet"),
    "klageinstans omgjort": lambda lang: klageinstans_decision(lang, "omgjort"),
    "klageinstans delvis omgjort": lambda lang: klageinstans_decision(lang, "delvis_omgjort"),
    "klageinstans opphevet": lambda lang: klageinstans_decision(lang, "opphevet"),
    "serviceklage answer": serviceklage_answer,
}
ALL_SCENARIOS = {**VEDTAK_SCENARIOS, **OTHER_SCENARIOS}


def headings(letter: Letter) -> list[str]:
    return [section.heading for section in letter.sections]


def legal_bases(letter: Letter) -> str:
    return "\n".join(section.legal_basis or "" for section in letter.sections)


def words(text_: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_]+", text_)}


# -- every letter ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("scenario", ALL_SCENARIOS)
def test_every_letter_is_complete_and_formatted(scenario: str, language: Language) -> None:
    data = ALL_SCENARIOS[scenario](language)
    letter = build_letter(data)
    assert letter.language == language
    assert letter.letter_date == LETTER_DATE
    assert letter.recipient == "Kari Nordmann"
    assert letter.reference == "4F2K9A1B"
    assert letter.sections and letter.title
    dumped = json.dumps(letter.to_dict(), ensure_ascii=False)
    assert not PLACEHOLDER.search(dumped), PLACEHOLDER.search(dumped)
    expected_labels = {
        "reference",
        "date",
        "recipient",
        "sender",
        "page",
        "of",
        "signatures",
        "legal_basis",
    }
    assert expected_labels <= set(letter.labels)
    assert all(letter.labels[key] for key in expected_labels)
    assert letter.labels["page"] == {"nb": "Side", "nn": "Side", "en": "Page"}[language]
    assert letter.labels["of"] == {"nb": "av", "nn": "av", "en": "of"}[language]
    for section in letter.sections:
        assert section.heading and section.blocks
        for block in section.blocks:
            if isinstance(block, Table):
                assert all(len(row) == len(block.header) for row in block.rows)
    # The same data always gives the same letter.
    assert build_letter(data) == letter


@pytest.mark.parametrize("scenario", ALL_SCENARIOS)
def test_bokmal_letters_are_easy_to_read(scenario: str) -> None:
    letter = build_letter(ALL_SCENARIOS[scenario]("nb"))
    assert lix(letter.running_text()) < 40


@pytest.mark.parametrize("scenario", ALL_SCENARIOS)
def test_nynorsk_letters_use_nynorsk(scenario: str) -> None:
    letter = build_letter(ALL_SCENARIOS[scenario]("nn"))
    bokmal_only = {"ikke", "hva", "hvorfor", "hvordan", "hvilket", "hvis", "fra", "mye"}
    bokmal_only |= {"noen", "dem", "saken", "uenig", "enige", "klaget", "trenger", "mer"}
    found = words(letter.plain_text().replace(letter.sender, "")) & bokmal_only
    assert not found


@pytest.mark.parametrize("scenario", ALL_SCENARIOS)
def test_english_letters_have_no_norwegian_sentences(scenario: str) -> None:
    letter = build_letter(ALL_SCENARIOS[scenario]("en"))
    assert not words(letter.running_text()) & {"ikke", "ikkje", "du", "vi", "har", "fra"}


def test_unknown_data_is_refused() -> None:
    with pytest.raises(TypeError):
        build_letter(object())  # type: ignore[arg-type]


# -- vedtak ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("scenario", VEDTAK_SCENARIOS)
def test_vedtak_letter_says_what_the_law_requires(scenario: str, language: Language) -> None:
    data = VEDTAK_SCENARIOS[scenario](language)
    letter = build_letter(data)
    tr = translator(language)
    plain = letter.plain_text()
    assert letter.kind == "vedtak"
    # The result comes first.
    assert letter.sections[0].heading == tr.gettext("What we have decided")
    # Every condition, with its status, explanation and legal basis.
    for condition in data.assessment["conditions"]:
        section = next(s for s in letter.sections if s.heading == condition["title"])
        assert section.legal_basis == condition["legal_basis"]
        assert condition["explanation"] in plain
    for reason in data.caseworker_reasons:
        assert reason.reason.split(". ")[0] in plain
    # The appeal: deadline as a date, where to send it, the legal basis.
    assert format_date(KLAGE_DEADLINE, language) in plain
    assert UNIT in plain
    assert "ftrl. § 21-12" in legal_bases(letter)
    assert "fvl. §§ 18" in legal_bases(letter)
    assert "NAV Klageinstans" in plain
    # The automatic notice only when the decision was automatic; signatures only when not.
    automatic_heading = tr.gettext("This decision was made automatically")
    assert (automatic_heading in headings(letter)) == data.automatic
    assert (AUTOMATION_BASIS in plain) == data.automatic
    if data.automatic:
        assert letter.signatures == ()
    else:
        assert letter.signatures == data.signatures
    # Payment, amounts and the duty to report changes only when granted.
    granted = data.outcome == "granted"
    assert (tr.gettext("Payment") in headings(letter)) == granted
    assert (tr.gettext("How we calculated the amount") in headings(letter)) == granted
    assert ("ftrl. §§ 21-3" in legal_bases(letter)) == granted
    # A new decision says which one it replaces.
    if data.kind == "forstegangsbehandling":
        assert letter.title == tr.gettext(
            "Decision on {benefit}",
            benefit=tr.gettext(PROFILES[data.common.benefit].names.letter_title),
        )
    elif data.replaces_vedtak_date is not None:
        assert format_date(data.replaces_vedtak_date, language) in plain
    if data.kind in ("omgjoring", "etter_klageinstans") and data.klage_reference_date:
        assert format_date(data.klage_reference_date, language) in plain


def _payment_section(data: VedtakLetterData) -> tuple[str, str | None]:
    letter = build_letter(data)
    heading = translator(data.common.language).gettext("Payment")
    section = next(s for s in letter.sections if s.heading == heading)
    text = " ".join(
        " ".join(" ".join(row) for row in b.rows) if hasattr(b, "rows") else getattr(b, "text", "")
        for b in section.blocks
    )
    return " ".join(text.split()), section.legal_basis


def test_the_payment_section_states_what_is_paid_from_the_plan() -> None:
    text, basis = _payment_section(VEDTAK_SCENARIOS["uføretrygd granted, with its payments"]("nb"))
    assert "Vi betaler uføretrygd fra 1. desember 2026." in text
    assert "Uføretrygd 20 501 kr i måneden" in text
    assert "Barnetillegg 4 339 kr i måneden" in text
    assert "Første periode 1. desember 2026 til 31. desember 2026" in text
    assert "Første utbetaling 20. desember 2026" in text
    assert "Betales til Bankkontoen din" in text
    assert basis == "ftrl. § 22-12"


def test_sykepenger_refunded_to_the_employer_say_so_and_cite_the_refund() -> None:
    text, basis = _payment_section(
        VEDTAK_SCENARIOS["sykepenger granted, refunded to the employer"]("en")
    )
    assert (
        "Sickness benefit, refunded to your employer NOK 1,846.50 a day, Monday to Friday" in text
    )
    assert "Last day paid 15 January 2027" in text and "Paid to Your employer" in text
    assert "We therefore pay sickness benefit to your employer." in text
    assert "covers the time since then" in text  # the first period has passed
    assert "bank account we have registered" not in text
    assert basis == "ftrl. § 8-11; ftrl. § 22-3"


def test_meldekort_benefits_are_paid_per_period_after_the_card() -> None:
    text, basis = _payment_section(VEDTAK_SCENARIOS["dagpenger granted, paid per meldekort"]("nn"))
    assert "For kvar meldeperiode, etter at du har sendt meldekortet" in text
    assert "Første utbetaling 16. november 2026" in text
    assert basis == "ftrl. § 4-8"


def test_without_a_plan_the_payment_section_says_what_it_always_said() -> None:
    text, basis = _payment_section(VEDTAK_SCENARIOS["uføretrygd granted, manual"]("nb"))
    assert "kontonummeret vi har registrert" in text and "Første utbetaling" not in text
    assert basis is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_vedtak_result_is_one_plain_sentence(language: Language) -> None:
    granted = build_letter(VEDTAK_SCENARIOS["dagpenger granted, automatic"](language))
    rejected = build_letter(VEDTAK_SCENARIOS["sykepenger rejected, automatic"](language))
    expected_granted = {
        "nb": "Du får dagpenger fra 2. november 2026.",
        "nn": "Du får dagpengar frå 2. november 2026.",
        "en": "You will get unemployment benefit from 2 November 2026.",
    }
    expected_rejected = {
        "nb": "Du får ikke sykepenger.",
        "nn": "Du får ikkje sjukepengar.",
        "en": "You will not get sickness benefit.",
    }
    assert granted.running_text().startswith(expected_granted[language])
    assert rejected.running_text().startswith(expected_rejected[language])
    # The condition that is not met is named and explained first.
    failing = next(c for c in rejected.sections if c.legal_basis == "ftrl. § 8-2 første ledd")
    first_condition = next(
        c for c in rejected.sections if c.legal_basis and "§ 8-" in c.legal_basis
    )
    assert failing is first_condition


@pytest.mark.parametrize("language", LANGUAGES)
def test_vedtak_amounts_are_formatted_for_the_language(language: Language) -> None:
    letter = build_letter(VEDTAK_SCENARIOS["dagpenger granted, automatic"](language))
    plain = letter.plain_text()
    # 553 kr: the example's basis is indexed by G month by month (ftrl. § 4-11).
    expected = {"nb": "553\u00a0kr", "nn": "553\u00a0kr", "en": "NOK\u00a0553"}[language]
    assert expected in plain
    label = catalogue("dagpenger").fact_label("income_12m", language)
    assert f"{label[0].upper()}{label[1:]}: " in plain
    sykepenger = build_letter(VEDTAK_SCENARIOS["sykepenger gradert granted, automatic"](language))
    # The first day NAV pays sykepenger, after the employer's 16 days.
    assert format_date(dt.date(2025, 11, 19), language) in sykepenger.plain_text()


# -- the other letters ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_information_request(language: Language) -> None:
    data = information_request(language)
    letter = build_letter(data)
    plain = letter.plain_text()
    assert letter.kind == "information_request"
    assert format_date(data.deadline, language) in plain
    assert "ftrl. § 21-3" in legal_bases(letter)
    assert data.description.split(". ")[0] in plain
    for name in data.facts_requested:
        label = catalogue("dagpenger").fact_label(name, language)
        assert label[0].upper() + label[1:] in plain
    assert UNIT in plain and "4F2K9A1B" in plain


@pytest.mark.parametrize("language", LANGUAGES)
def test_advance_notice(language: Language) -> None:
    data = advance_notice(language)
    letter = build_letter(data)
    plain = letter.plain_text()
    tr = translator(language)
    assert letter.kind == "advance_notice"
    assert "fvl. § 16" in legal_bases(letter)
    assert format_date(data.deadline, language) in plain
    assert data.planned_decision in plain and data.reason.split(". ")[0] in plain
    assert tr.gettext("This is not a decision. We have not decided anything yet.") in plain


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("fristavbrytende", [False, True])
@pytest.mark.parametrize("late", [False, True])
def test_klage_received(language: Language, fristavbrytende: bool, late: bool) -> None:
    data = klage_received(language, fristavbrytende=fristavbrytende, late=late)
    letter = build_letter(data)
    plain = letter.plain_text()
    assert letter.kind == "klage_received"
    assert format_date(data.received_date, language) in plain
    assert format_date(data.vedtak_date, language) in plain
    assert ("fvl. § 31" in legal_bases(letter)) == late
    assert (format_date(data.klage_deadline, language) in plain) == late
    assert (format_date(dt.date(2026, 10, 1), language) in plain) == fristavbrytende
    assert "fvl. § 33" in legal_bases(letter)
    # A service complaint is something else and changes no deadline.
    assert translator(language).gettext("Complaints about our service") in headings(letter)


@pytest.mark.parametrize("language", LANGUAGES)
def test_klage_forwarded(language: Language) -> None:
    data = klage_forwarded(language)
    letter = build_letter(data)
    plain = letter.plain_text()
    assert letter.kind == "klage_forwarded"
    assert KLAGEINSTANS in plain
    assert format_date(data.comment_deadline, language) in plain
    assert "fvl. § 33" in legal_bases(letter)
    # The statement keeps its paragraphs.
    first, second = data.statement.split("\n\n")
    assert first in plain and second in plain


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("outcome", ["stadfestet", "omgjort", "delvis_omgjort", "opphevet"])
def test_klageinstans_decision(language: Language, outcome: str) -> None:
    data = klageinstans_decision(language, outcome)
    letter = build_letter(data)
    plain = letter.plain_text()
    tr = translator(language)
    assert letter.kind == "klageinstans_decision"
    assert letter.sender == KLAGEINSTANS
    assert letter.signatures == ("Nina Klagebehandler",)
    assert "fvl. § 34" in legal_bases(letter) and "ftrl. § 21-12" in legal_bases(letter)
    assert format_date(data.vedtak_date, language) in plain
    assert "Trygderetten" in plain
    if outcome == "opphevet":
        assert tr.gettext("You cannot appeal to Trygderetten now") in headings(letter)
        assert ANKE_BASIS not in legal_bases(letter)
        assert format_date(dt.date(2026, 12, 28), language) not in plain
    else:
        assert tr.gettext("You can appeal to Trygderetten") in headings(letter)
        assert ANKE_BASIS in legal_bases(letter)
        assert format_date(dt.date(2026, 12, 28), language) in plain
        assert "NAV Klageinstans" in plain


@pytest.mark.parametrize("language", LANGUAGES)
def test_serviceklage_answer(language: Language) -> None:
    data = serviceklage_answer(language)
    letter = build_letter(data)
    plain = letter.plain_text()
    assert letter.kind == "serviceklage_answer"
    assert data.complaint_summary in plain and data.answer.split(". ")[0] in plain
    assert format_date(data.received_date, language) in plain
    assert letter.signatures == ("Per Veileder",)


# -- the catalogues -------------------------------------------------------------------------------


def test_catalogues_are_complete() -> None:
    assert catalogue_problems() == []


def test_template_holds_every_message_the_builders_use() -> None:
    used = set()
    for source in (
        Path(build_module.__file__),
        Path(build_module.__file__).with_name("tilbakekreving.py"),
    ):
        for _lineno, message, _comments, _context in extract_from_file("python", source):
            used.add(message if isinstance(message, str) else message[0])
    # Each benefit's own letter wording is in its home, marked `L_`.
    for profile in profile_sources():
        for _lineno, message, _comments, _context in extract_from_file(
            "python", profile, keywords={"L_": None}
        ):
            used.add(message if isinstance(message, str) else message[0])
    assert used == set(template_ids())


def test_every_placeholder_is_kept_in_translation() -> None:
    for language in LANGUAGES:
        tr = translator(language)
        for message_id in template_ids():
            names = set(re.findall(r"\{(\w+)\}", message_id))
            if not names or "{count}" in message_id:
                continue
            values = {name: f"<{name}>" for name in names}
            translated = tr.gettext(message_id, **values)
            assert all(f"<{name}>" in translated for name in names), (language, message_id)


def test_translator_refuses_missing_values_and_unknown_languages() -> None:
    with pytest.raises(KeyError):
        translator("nb").gettext("Send us the information by {deadline}.")
    with pytest.raises(ValueError):
        translator("de")  # type: ignore[arg-type]
    singular = "The deadline for appealing is {count} week from the day you received this letter."
    plural = "The deadline for appealing is {count} weeks from the day you received this letter."
    assert translator("nn").ngettext(singular, plural, 1) == (
        "Fristen for å klage er 1 veke frå du fekk dette brevet."
    )
    assert (
        translator("nn").ngettext(singular, plural, 6).startswith("Fristen for å klage er 6 veker")
    )


def test_building_leaves_the_assessment_unchanged() -> None:
    data = VEDTAK_SCENARIOS["aap granted, manual"]("nb")
    before = copy.deepcopy(data.assessment)
    build_letter(data)
    assert data.assessment == before
