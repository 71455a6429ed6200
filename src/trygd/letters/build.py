"""The content of every letter trygd sends, in bokmål, nynorsk and English.

`build_letter(data)` turns one of the input records in `trygd.letters.data` into a `Letter`;
one function per kind does the work. Every sentence is an English gettext message id,
translated through `trygd.letters.i18n`; the rules' own explanations come ready-made in the
reader's language from the stored assessment, and fact labels from `trygd.rules.texts`.

What each letter must say comes from the law:

- vedtak: the result, the rules and facts it rests on and the main considerations
  (forvaltningsloven §§ 24 and 25), the right to appeal, the deadline, where to send the
  appeal and the right to see the documents (fvl. § 27, §§ 18-19; folketrygdloven § 21-12),
  the duty to report changes (ftrl. § 21-3) and, for an automatic decision, that it was made
  automatically, on which criteria and how to get a person to look at it (NAV-loven § 4 a);
- information request: what is needed and by when (ftrl. § 21-3);
- forhåndsvarsel: what NAV considers deciding and the chance to comment (fvl. § 16);
- klage received, klage forwarded and Klageinstans' decision (fvl. §§ 31-34, ftrl. § 21-12,
  trygderettsloven);
- the answer to a service complaint, which changes no decision and no deadline;
- the answer to a request under GDPR art. 15-22, and the notice that the answer takes longer,
  with the new last day and the reason (art. 12(3)).

The texts follow the plain-language rules: the reader is "du", the important thing comes
first, sentences are short, and a legal reference sits in the section's small legal-basis
line, never instead of an explanation.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from trygd.domain import erasure
from trygd.domain.payment_summary import VedtakPayments
from trygd.letters.data import (
    AdvanceNoticeLetterData,
    CaseworkerReason,
    Common,
    ErasureLine,
    InformationRequestLetterData,
    KlageForwardedLetterData,
    KlageinstansDecisionLetterData,
    KlageReceivedLetterData,
    PrivacyAnswerLetterData,
    PrivacyExtensionLetterData,
    ServiceklageAnswerLetterData,
    TilbakekrevingVarselLetterData,
    TilbakekrevingVedtakLetterData,
    VedtakLetterData,
)
from trygd.letters.i18n import N_, Translator, translator
from trygd.letters.model import (
    Block,
    FactList,
    Items,
    Letter,
    LetterKind,
    Paragraph,
    Section,
    Table,
)
from trygd.rules import formatting
from trygd.rules.assessment import default_ruleset
from trygd.rules.benefits import BENEFITS, PROFILES
from trygd.rules.texts import catalogue

LetterData = (
    VedtakLetterData
    | InformationRequestLetterData
    | AdvanceNoticeLetterData
    | KlageReceivedLetterData
    | KlageForwardedLetterData
    | KlageinstansDecisionLetterData
    | ServiceklageAnswerLetterData
    | PrivacyAnswerLetterData
    | PrivacyExtensionLetterData
    | TilbakekrevingVarselLetterData
    | TilbakekrevingVedtakLetterData
)

NAV_PHONE = "55 55 33 33"


def _basis(name: str) -> str:
    """A legal basis that no parameter carries, from `rules/legal_bases.toml`: a letter
    never types a § itself."""
    return default_ruleset().parameters.legal_basis(name).text


def _parameter_basis(name: str) -> str:
    """The legal basis of the parameter whose value a section speaks of."""
    return default_ruleset().parameters[name].legal_basis


def _parameter_value(name: str, when: dt.date) -> int:
    """A whole-number parameter (days, weeks) in force on `when`, for a sentence."""
    return int(default_ruleset().parameters[name].value_at(when).value)


_ANY_BENEFIT = N_("the benefit")  # a letter not tied to one benefit (a service complaint)
_STATUS_SENTENCES = {
    "met": N_("You meet this condition."),
    "not_met": N_("You do not meet this condition."),
    "undetermined": N_("We have not been able to assess this condition."),
}
_HEADLINE_SENTENCES = {
    "day": N_("You will get {amount} a day before tax."),
    "month": N_("You will get {amount} a month before tax."),
}


def headline_amount(benefit: str, amounts: Mapping[str, Any]) -> tuple[float, str] | None:
    """The amount a granted vedtak letter states first, and per what ("day" or "month").

    The vedtak page shows the same amount from the same place, so the person never reads
    two different sums for one decision."""
    profile = PROFILES.get(benefit)
    if profile is None:
        return None
    headline = profile.letters.headline
    value = amounts.get(headline[0])
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return float(value), headline[1]


_VEDTAK_REASONS = {
    "revurdering": N_(
        "We have made a new decision because we have been told about a change in your situation."
    ),
    "etter_klageinstans": N_(
        "NAV Klageinstans has decided your appeal in your favour. "
        "With this decision we carry out what they decided."
    ),
    "etter_anke": N_(
        "You appealed further, and your case has now been decided. "
        "With this decision we carry out that ruling."
    ),
}
_KLAGEINSTANS_OUTCOMES = {
    "stadfestet": N_("We agree with the decision of {date}, and we are not changing it."),
    "omgjort": N_("We are changing the decision of {date} in your favour."),
    "delvis_omgjort": N_(
        "We are changing part of the decision of {date} in your favour. "
        "The rest of the decision still applies."
    ),
    "opphevet": N_("We are cancelling the decision of {date}. It no longer applies."),
}


# -- helpers ----------------------------------------------------------------------------------


def _date(value: dt.date, tr: Translator) -> str:
    return formatting.date(value, tr.language)


def _iso_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value)
    return None


def _plural_n(value: float) -> int:
    """The n to choose a plural form by: the number itself, or 2 for a fraction (37,5 timer)."""
    return int(value) if float(value).is_integer() else 2


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    """Lower-case a title's first letter inside a sentence, unless it starts an acronym."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _join(items: Sequence[str], tr: Translator) -> str:
    if len(items) <= 1:
        return "".join(items)
    return tr.gettext("{items} and {last}", items=", ".join(items[:-1]), last=items[-1])


def _paragraphs(text: str) -> tuple[Paragraph, ...]:
    """A caseworker's text, split into paragraphs at blank lines."""
    parts = (part.strip() for part in re.split(r"\n\s*\n", text))
    return tuple(Paragraph(" ".join(part.split())) for part in parts if part)


def _p(*sentences: str) -> Paragraph:
    """A paragraph of one or more sentences."""
    return Paragraph(" ".join(sentences))


def _benefit(common: Common, tr: Translator) -> str:
    profile = PROFILES.get(common.benefit)
    return tr.gettext(profile.names.letter if profile else _ANY_BENEFIT)


def _benefit_title(common: Common, tr: Translator) -> str:
    profile = PROFILES.get(common.benefit)
    return tr.gettext(profile.names.letter_title if profile else _ANY_BENEFIT)


def _labels(tr: Translator) -> dict[str, str]:
    _ = tr.gettext
    return {
        "reference": _("Our reference"),
        "date": _("Date"),
        "recipient": _("To"),
        "sender": _("From"),
        "page": _("Page"),
        "of": _("of"),
        "signatures": _("Yours sincerely"),
        "legal_basis": _("Legal basis"),
    }


def _letter(
    data: LetterData,
    kind: LetterKind,
    title: str,
    sections: Iterable[Section],
    tr: Translator,
    signatures: tuple[str, ...] = (),
) -> Letter:
    common = data.common
    return Letter(
        kind=kind,
        language=common.language,
        title=title,
        letter_date=common.letter_date,
        recipient=common.recipient,
        reference=common.reference,
        sender=common.sender,
        sections=tuple(sections),
        signatures=signatures,
        labels=_labels(tr),
    )


def _fact_kinds(benefit_id: str) -> dict[str, str]:
    benefit = BENEFITS.get(benefit_id)
    if benefit is None:
        return {}
    return {fact.name: fact.kind for fact in (*benefit.inputs, *benefit.facts)}


def _fact_value(value: object, kind: str | None, tr: Translator) -> str:
    """A fact's value written for the reader: "37,5 timer", "190 000 kr", "ja"."""
    language = tr.language
    day = _iso_date(value)
    if isinstance(value, bool) or kind == "bool":
        return tr.gettext("yes") if value else tr.gettext("no")
    if day is not None:
        return formatting.date(day, language)
    if isinstance(value, list | tuple):
        return "; ".join(_list_item(item, tr) for item in value)
    if not isinstance(value, int | float):
        return str(value)
    if kind == "money":
        return formatting.kroner(value, language)
    if kind == "percent":
        return formatting.percent(value / 100, language)
    count = formatting.factor(value, language)
    n = _plural_n(value)
    if kind == "hours":
        return tr.ngettext("{count} hour", "{count} hours", n, count=count)
    if kind == "days":
        count = formatting.number(value, language)
        return tr.ngettext("{count} day", "{count} days", n, count=count)
    if kind == "years":
        return tr.ngettext("{count} year", "{count} years", n, count=count)
    if float(value).is_integer():
        return formatting.number(value, language)
    return count


def _list_item(item: object, tr: Translator) -> str:
    """One entry of a list fact: a year's or a month's income ({year, amount}, {month,
    amount}) or a period ({from, to})."""
    if isinstance(item, Mapping) and {"year", "amount"} <= item.keys():
        return f"{item['year']}: {formatting.kroner(item['amount'], tr.language)}"
    if isinstance(item, Mapping) and {"month", "amount"} <= item.keys():
        when = formatting.month(str(item["month"]), tr.language)
        return f"{when}: {formatting.kroner(item['amount'], tr.language)}"
    if isinstance(item, Mapping) and {"from", "to"} <= item.keys():
        start, end = _iso_date(item["from"]), _iso_date(item["to"])
        if start and end:
            return f"{_date(start, tr)} – {_date(end, tr)}"
    return _fact_value(item, None, tr)


def _dedupe(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value:
            seen.setdefault(value, None)
    return list(seen)


# -- sections shared by several letters -------------------------------------------------------


def _documents_section(tr: Translator) -> Section:
    _ = tr.gettext
    return Section(
        _("You can see the documents in your case"),
        (
            _p(
                _("You have the right to see the documents in your case."),
                _("Write to us or call us, and we will send them to you."),
            ),
            _p(_("In a few cases we may hold back some information. We will then tell you why.")),
        ),
        legal_basis=_basis("case_documents"),
    )


def _questions_section(common: Common, tr: Translator) -> Section:
    _ = tr.gettext
    return Section(
        _("Do you have questions?"),
        (
            _p(
                _("You can find more information on nav.no."),
                _("You can also call us on {phone}.", phone=NAV_PHONE),
            ),
            _p(
                _(
                    "Please give our reference {reference} when you contact us.",
                    reference=common.reference,
                )
            ),
        ),
    )


def _klage_received_sentence(
    received: dt.date, vedtak_date: dt.date, common: Common, tr: Translator
) -> str:
    return tr.gettext(
        "We received your appeal on {received}. "
        "You are appealing against our decision of {vedtak_date} about {benefit}.",
        received=_date(received, tr),
        vedtak_date=_date(vedtak_date, tr),
        benefit=_benefit(common, tr),
    )


# -- vedtak -----------------------------------------------------------------------------------


def vedtak_letter(data: VedtakLetterData) -> Letter:
    """A decision on a benefit: first decision, revurdering, omgjøring, or one that carries out
    a decision of NAV Klageinstans or a court (fvl. §§ 24, 25, 27; ftrl. § 21-12)."""
    common = data.common
    tr = translator(common.language)
    _ = tr.gettext
    benefit = _benefit(common, tr)
    granted = data.outcome == "granted"
    conditions: list[dict[str, Any]] = list(data.assessment.get("conditions", []))
    calculations = [
        c
        for c in data.assessment.get("calculations", [])
        if c.get("status") == "determined" and c.get("explanation")
    ]
    reasons = {r.condition_id: r.reason for r in data.caseworker_reasons}

    if data.kind == "forstegangsbehandling":
        title = _("Decision on {benefit}", benefit=_benefit_title(common, tr))
    else:
        title = _("New decision on {benefit}", benefit=_benefit_title(common, tr))

    sections = [_vedtak_result(data, conditions, benefit, tr)]
    if data.automatic:
        sections.append(_automatic_section(data, conditions, tr))
    sections.append(_assessment_overview(benefit, tr))
    # The conditions not met come first: they are the reason for a rejection.
    ordered = sorted(conditions, key=lambda c: c.get("status") == "met")
    sections.extend(_condition_section(c, common, reasons.get(c["id"]), tr) for c in ordered)
    known = {c["id"] for c in conditions}
    other = [r for r in data.caseworker_reasons if r.condition_id not in known]
    if other:
        sections.append(_other_reasons_section(other, tr))
    if granted:
        if calculations:
            sections.append(_calculation_section(data, calculations, tr))
        sections.append(_payment_section(data, benefit, tr))
        sections.append(_changes_section(common, tr))
    sections.append(_klage_section(data, tr))
    sections.append(_documents_section(tr))
    sections.append(_rules_section(tr))
    sections.append(_questions_section(common, tr))
    signatures = () if data.automatic else tuple(data.signatures)
    return _letter(data, "vedtak", title, sections, tr, signatures)


def _vedtak_result(
    data: VedtakLetterData, conditions: list[dict[str, Any]], benefit: str, tr: Translator
) -> Section:
    _ = tr.gettext
    blocks: list[Block] = []
    effective = _date(data.effective_from, tr)
    if data.outcome == "granted":
        first = _("You will get {benefit} from {date}.", benefit=benefit, date=effective)
        headline = headline_amount(data.common.benefit, data.assessment.get("amounts", {}))
        if headline is not None:
            amount = formatting.kroner(headline[0], tr.language)
            first += " " + _(_HEADLINE_SENTENCES[headline[1]], amount=amount)
        blocks.append(_p(first))
        blocks.append(_p(_("You meet all the conditions.")))
    else:
        if data.kind == "forstegangsbehandling":
            first = _(
                "You will not get {benefit}. We have turned down your application.",
                benefit=benefit,
            )
        else:
            first = _("You will not get {benefit} from {date}.", benefit=benefit, date=effective)
        blocks.append(_p(first))
        failing = [_lower_first(c["title"]) for c in conditions if c.get("status") == "not_met"]
        if failing:
            blocks.append(
                _p(
                    tr.ngettext(
                        "You do not meet this condition: {conditions}.",
                        "You do not meet these conditions: {conditions}.",
                        len(failing),
                        conditions=_join(failing, tr),
                    )
                )
            )
    if data.kind != "forstegangsbehandling":
        blocks.insert(1, _p(_why_new_decision(data, tr)))
    return Section(_("What we have decided"), tuple(blocks))


def _why_new_decision(data: VedtakLetterData, tr: Translator) -> str:
    _ = tr.gettext
    if data.replaces_vedtak_date is not None:
        replaces = _(
            "This decision replaces our decision of {date}.",
            date=_date(data.replaces_vedtak_date, tr),
        )
    else:
        replaces = _("This decision replaces an earlier decision.")
    if data.kind == "omgjoring":
        if data.klage_reference_date is not None:
            why = _(
                "We received your appeal on {date}. "
                "We have looked at your case again and are changing our decision.",
                date=_date(data.klage_reference_date, tr),
            )
        else:
            why = _("We have looked at your case again after your appeal and are changing it.")
    elif data.kind == "etter_klageinstans" and data.klage_reference_date is not None:
        why = _(
            "NAV Klageinstans has decided the appeal we received on {date} in your favour. "
            "With this decision we carry out what they decided.",
            date=_date(data.klage_reference_date, tr),
        )
    else:
        why = _(_VEDTAK_REASONS[data.kind])
    return f"{replaces} {why}"


def _automatic_section(
    data: VedtakLetterData, conditions: list[dict[str, Any]], tr: Translator
) -> Section:
    _ = tr.gettext
    return Section(
        _("This decision was made automatically"),
        (
            _p(
                _("A computer system made this decision."),
                _("It used the information we have about you."),
            ),
            _p(_("The system checked these conditions:")),
            Items(tuple(c["title"] for c in conditions)),
            _p(_("Further down you can see how each condition was assessed.")),
            _p(_("Check that the information is correct. If something is wrong, tell us.")),
            _p(
                _("You can ask for a caseworker to look at the decision. Just write to us."),
                _("If you appeal, a caseworker will always handle your appeal."),
                _("If you want to appeal, you must still do so before the deadline."),
            ),
        ),
        legal_basis=data.automation_legal_basis,
    )


def _assessment_overview(benefit: str, tr: Translator) -> Section:
    """An introduction only: each condition has its own section below, and a summary table
    of them repeated what the reader is about to read (and cost a fifth of the layout time)."""
    _ = tr.gettext
    return Section(
        _("How we assessed your case"),
        (
            _p(
                _("We have checked each condition for getting {benefit}.", benefit=benefit),
                _("Below you can see what we found and which information we used."),
            ),
        ),
    )


def _condition_section(
    condition: dict[str, Any], common: Common, reason: str | None, tr: Translator
) -> Section:
    _ = tr.gettext
    blocks: list[Block] = [
        _p(_(_STATUS_SENTENCES.get(condition["status"], _STATUS_SENTENCES["undetermined"]))),
    ]
    if condition.get("explanation"):
        blocks.append(_p(condition["explanation"]))
    if reason:
        for i, paragraph in enumerate(_paragraphs(reason)):
            text = paragraph.text
            if i == 0:
                text = _("The caseworker assessed it like this: {reason}", reason=text)
            blocks.append(_p(text))
    facts = _fact_rows(condition.get("facts_used", {}), common.benefit, tr)
    if facts:
        blocks.append(FactList(_("Information we used"), facts))
    return Section(condition["title"], tuple(blocks), legal_basis=condition.get("legal_basis"))


def _fact_rows(
    facts_used: Mapping[str, Any], benefit_id: str, tr: Translator
) -> tuple[tuple[str, str], ...]:
    kinds = _fact_kinds(benefit_id)
    texts = catalogue(benefit_id)
    rows: list[tuple[str, str]] = []
    for name, value in facts_used.items():
        if value is None:
            continue
        try:
            label = texts.fact_label(name, tr.language)
        except KeyError:
            label = name.replace("_", " ")
        rows.append((_capitalise(label), _fact_value(value, kinds.get(name), tr)))
    return tuple(rows)


def _other_reasons_section(reasons: list[CaseworkerReason], tr: Translator) -> Section:
    blocks: list[Block] = []
    for reason in reasons:
        blocks.extend(_paragraphs(reason.reason))
    return Section(tr.gettext("Other assessments"), tuple(blocks))


def _calculation_section(
    data: VedtakLetterData, calculations: list[dict[str, Any]], tr: Translator
) -> Section:
    _ = tr.gettext
    # Each step's explanation states its amount, so the amounts are not listed twice.
    blocks: list[Block] = [_p(_("All amounts are before tax."))]
    blocks.extend(_p(f"{c['title']}: {c['explanation']}") for c in calculations)
    legal_basis = "; ".join(_dedupe(c.get("legal_basis", "") for c in calculations))
    return Section(_("How we calculated the amount"), tuple(blocks), legal_basis=legal_basis)


def _payment_section(data: VedtakLetterData, benefit: str, tr: Translator) -> Section:
    _ = tr.gettext
    profile = PROFILES.get(data.common.benefit)
    wording = profile.letters if profile else None
    blocks: list[Block] = []
    first_day = data.effective_from
    if data.payment is not None:  # the first day the payment plan pays (e.g. ftrl. § 22-12)
        first_day = data.payment.first_period[0]
    elif wording is not None and wording.payment_from is not None:
        first_day = (
            _iso_date(data.assessment.get("amounts", {}).get(wording.payment_from)) or first_day
        )
    # The number of days a payment sentence speaks of (the meldekort period, the employer
    # period) comes from the parameter the benefit's home names, never from the text.
    days = (
        _parameter_value(wording.days_parameter, data.effective_from)
        if wording is not None and wording.days_parameter is not None
        else None
    )
    intro = tuple(_(sentence, days=days) for sentence in wording.payment_intro) if wording else ()
    blocks.append(
        _p(*intro, _("We pay {benefit} from {date}.", benefit=benefit, date=_date(first_day, tr)))
    )
    if wording is not None and wording.payment:
        blocks.append(_p(" ".join(_(sentence, days=days) for sentence in wording.payment)))
    summary = data.payment
    if summary is None:
        blocks.append(_p(_("We pay the money into the bank account we have registered for you.")))
        return Section(_("Payment"), tuple(blocks))
    blocks.append(FactList(_("What we pay"), _payment_rows(summary, benefit, tr)))
    if summary.back_pay:
        blocks.append(
            _p(
                _("The decision applies from a date that has passed."),
                _("The first payment also covers the time since then."),
            )
        )
    if summary.payee == "employer":
        blocks.append(
            _p(
                _("Your employer has paid your salary while you were sick."),
                _("We therefore pay {benefit} to your employer.", benefit=benefit),
            )
        )
    else:
        blocks.append(_p(_("We pay the money into the bank account we have registered for you.")))
    bases = [_basis(summary.legal_basis)] if summary.legal_basis else []
    if summary.payee == "employer":
        bases.append(_basis("payment_employer_refund"))
    return Section(_("Payment"), tuple(blocks), legal_basis="; ".join(bases) or None)


_PER = {
    "day": N_("{amount} a day, Monday to Friday"),
    "month": N_("{amount} a month"),
}


def _payment_rows(
    summary: VedtakPayments, benefit: str, tr: Translator
) -> tuple[tuple[str, str], ...]:
    """What is paid, per which period, the first payment and to whom: from the payment plan
    of the stored decision record (`trygd.domain.payment_summary`)."""
    _ = tr.gettext
    rows: list[tuple[str, str]] = []
    for part in summary.parts:
        if part.part == "supplement":
            label = _("Barnetillegg")
        elif part.part == "refund":
            label = _capitalise(_("{benefit}, refunded to your employer", benefit=benefit))
        else:
            label = _capitalise(benefit)
        if part.amount_ore is None or part.per == "meldeperiode":
            value = _("For each meldeperiode, after you have sent the meldekort")
        else:
            amount = formatting.kroner_from_ore(part.amount_ore, tr.language)
            value = _(_PER[part.per], amount=amount)
        rows.append((label, value))
    start, end = summary.first_period
    rows.append(
        (_("First period"), _("{start} to {end}", start=_date(start, tr), end=_date(end, tr)))
    )
    rows.append((_("First payment"), _date(summary.first_payment, tr)))
    if summary.last_day is not None:
        rows.append((_("Last day paid"), _date(summary.last_day, tr)))
    payee = _("Your employer") if summary.payee == "employer" else _("Your bank account")
    rows.append((_("Paid to"), payee))
    return tuple(rows)


def _changes_section(common: Common, tr: Translator) -> Section:
    _ = tr.gettext
    profile = PROFILES.get(common.benefit)
    examples = profile.letters.changes if profile else ()
    blocks: list[Block] = [
        _p(
            _("You must tell us at once if your situation changes."),
            _("It can affect what you get."),
        )
    ]
    if examples:
        blocks.append(_p(_("For example, tell us if")))
        blocks.append(Items(tuple(_(example) for example in examples)))
    blocks.append(_p(_("You can tell us on nav.no or call us on {phone}.", phone=NAV_PHONE)))
    blocks.append(
        _p(_("If you have been paid too much because you did not tell us, we may ask for it back."))
    )
    return Section(
        _("You must tell us about changes"),
        tuple(blocks),
        legal_basis=_basis("duty_to_report"),
    )


def _klage_section(data: VedtakLetterData, tr: Translator) -> Section:
    _ = tr.gettext
    common = data.common
    weeks = data.klage_deadline_weeks
    blocks: list[Block] = [
        _p(
            _("If you disagree with this decision, you can appeal."),
            tr.ngettext(
                "The deadline for appealing is {count} week from the day you received this letter.",
                "The deadline for appealing is {count} weeks "
                "from the day you received this letter.",
                weeks,
            ),
            _(
                "Your appeal must have reached us, or have been sent, by {deadline}.",
                deadline=_date(data.klage_deadline, tr),
            ),
        ),
        _p(_("Write to us and tell us")),
        Items(
            (
                _("which decision you are appealing against"),
                _("what you disagree with"),
                _("why you disagree"),
            )
        ),
        _p(
            _("Send documents that can help us understand your case."),
            _("Send your appeal to {unit}.", unit=common.sender),
            _("You can appeal on nav.no or send your appeal by post."),
        ),
        _p(
            _("Do you need more time to explain why you disagree?"),
            _("Then first send us a short message saying that you want to appeal."),
            _("Do this before the deadline. You can send your reasons later."),
        ),
        _p(
            _(
                "You can get help to appeal. Call us on {phone}, or ask at your NAV office.",
                phone=NAV_PHONE,
            ),
            _("Someone else can also help you, for example a lawyer."),
        ),
        _p(
            _("First we will look at your case again."),
            _("If we agree with you, we will change the decision."),
            _("If we keep our decision, we will send your appeal to NAV Klageinstans."),
            _("You will get a letter about it, with a copy of what we write to them."),
            _("NAV Klageinstans will then decide your appeal."),
        ),
    ]
    return Section(_("You can appeal"), tuple(blocks), legal_basis=data.klage_legal_basis)


def _rules_section(tr: Translator) -> Section:
    """Where the rules are. Each section above names its own legal basis next to the reasons,
    where the reader needs it; a table repeating them all took half a page of layout and
    told the reader nothing new."""
    _ = tr.gettext
    return Section(
        _("The rules we have used"),
        (
            _p(
                _(
                    "The decision is based on the National Insurance Act (folketrygdloven, ftrl.) "
                    "and the Public Administration Act (forvaltningsloven, fvl.)."
                ),
                _("You can read the laws on lovdata.no."),
            ),
            _p(
                _("The legal basis of each part of the decision is given at the end of that part."),
            ),
        ),
        legal_basis=_basis("decision_reasons"),
    )


# -- information request ----------------------------------------------------------------------


def information_request_letter(data: InformationRequestLetterData) -> Letter:
    """A request for information or documents the case needs (ftrl. § 21-3)."""
    common = data.common
    tr = translator(common.language)
    _ = tr.gettext
    benefit = _benefit(common, tr)
    texts = catalogue(common.benefit)
    what: list[Block] = [
        _p(
            _("We are handling your case about {benefit}.", benefit=benefit),
            _("To decide it, we need more information from you."),
        ),
        *_paragraphs(data.description),
    ]
    if data.facts_requested:
        labels = []
        for name in data.facts_requested:
            try:
                labels.append(_capitalise(texts.fact_label(name, common.language)))
            except KeyError:
                labels.append(_capitalise(name.replace("_", " ")))
        what += [_p(_("We need information about this:")), Items(tuple(labels))]
    sections = [
        Section(_("What we need"), tuple(what), legal_basis=_basis("information_duty")),
        Section(
            _("Deadline"),
            (
                _p(_("Send us the information by {deadline}.", deadline=_date(data.deadline, tr))),
                _p(
                    _("Do you need more time?"),
                    _("Contact us before the deadline, and we can agree on a new date."),
                ),
            ),
        ),
        Section(
            _("How to send the information"),
            (
                _p(_("You can send documents on nav.no or by post to {unit}.", unit=common.sender)),
                _p(
                    _(
                        "Mark what you send with our reference {reference}.",
                        reference=common.reference,
                    ),
                    _("Send copies, not originals."),
                ),
            ),
        ),
        Section(
            _("If we do not get the information"),
            (
                _p(
                    _(
                        "If we have not received the information by the deadline, "
                        "we will decide your case on the information we have."
                    ),
                    _("This may mean that you do not get {benefit}.", benefit=benefit),
                ),
            ),
        ),
        _questions_section(common, tr),
    ]
    return _letter(
        data, "information_request", _("We need more information from you"), sections, tr
    )


# -- advance notice (forhåndsvarsel) ----------------------------------------------------------


def advance_notice_letter(data: AdvanceNoticeLetterData) -> Letter:
    """Forhåndsvarsel: what NAV considers deciding, why, and the chance to comment (fvl. § 16)."""
    common = data.common
    tr = translator(common.language)
    _ = tr.gettext
    benefit = _benefit(common, tr)
    sections = [
        Section(
            _("What we are considering"),
            (
                _p(
                    _("This is not a decision. We have not decided anything yet."),
                    _("First we want to hear from you."),
                ),
                _p(_("This is what we are considering:")),
                *_paragraphs(data.planned_decision),
            ),
            legal_basis=_parameter_basis("procedure.advance_notice_weeks"),
        ),
        Section(_("Why we are considering this"), _paragraphs(data.reason)),
        Section(
            _("You can give us your view"),
            (
                _p(
                    _("Send us your comments by {deadline}.", deadline=_date(data.deadline, tr)),
                    _("Tell us if something is wrong or missing."),
                    _("Send documents that can help us understand your case."),
                ),
                _p(
                    _(
                        "You can write to us on nav.no, send a letter to {unit} "
                        "or call us on {phone}.",
                        unit=common.sender,
                        phone=NAV_PHONE,
                    )
                ),
                _p(
                    _("Do you need more time?"),
                    _("Contact us before the deadline, and we can agree on a new date."),
                ),
            ),
            legal_basis=_parameter_basis("procedure.advance_notice_weeks"),
        ),
        Section(
            _("What happens next"),
            (
                _p(
                    _("After the deadline we go through your case again."),
                    _("We include what you have sent us. Then we make a decision."),
                ),
                _p(
                    _("You will get the decision in a separate letter."),
                    _("The letter will tell you how to appeal."),
                ),
                _p(_("If we do not hear from you, we decide on the information we have.")),
            ),
        ),
        _documents_section(tr),
        _questions_section(common, tr),
    ]
    title = _("Advance notice: we are considering a decision on {benefit}", benefit=benefit)
    return _letter(data, "advance_notice", title, sections, tr)


# -- klage received ---------------------------------------------------------------------------


def klage_received_letter(data: KlageReceivedLetterData) -> Letter:
    """We have received your appeal: grounds to send, a late appeal (fvl. § 31), what next."""
    common = data.common
    tr = translator(common.language)
    _ = tr.gettext
    sections = [
        Section(
            _("Your appeal"),
            (_p(_klage_received_sentence(data.received_date, data.vedtak_date, common, tr)),),
            legal_basis=_parameter_basis("procedure.klage_weeks"),
        )
    ]
    if data.fristavbrytende:
        blocks: list[Block] = []
        intro = _("You have told us that you want to appeal.")
        if not data.late:
            intro += " " + _("That is enough to appeal in time.")
        blocks.append(_p(intro))
        grounds = _("Now tell us what you disagree with, and why.")
        if data.grounds_deadline is not None:
            grounds += " " + _(
                "Send this by {deadline}.", deadline=_date(data.grounds_deadline, tr)
            )
        blocks.append(_p(grounds))
        blocks.append(
            _p(_("If we do not hear from you by then, we will assess your appeal on what we have."))
        )
        sections.append(
            Section(
                _("Send us your reasons"),
                tuple(blocks),
                legal_basis=_parameter_basis("procedure.grounds_weeks"),
            )
        )
    if data.late:
        sections.append(
            Section(
                _("Your appeal arrived after the deadline"),
                (
                    _p(
                        _(
                            "The deadline for appealing was {deadline}. "
                            "Your appeal arrived after that date.",
                            deadline=_date(data.klage_deadline, tr),
                        )
                    ),
                    _p(
                        _("A caseworker will decide whether we can still consider your appeal."),
                        _("We can do so if it was not your fault that it was late."),
                        _("We can also do so if there are special reasons."),
                    ),
                    _p(
                        _("Write to us and explain why your appeal was late."),
                        _(
                            "Send documents that show this if you have any, "
                            "for example a doctor's note."
                        ),
                    ),
                    _p(
                        _("If we cannot consider your appeal, you will get a decision about that."),
                        _("You can appeal against that decision too."),
                    ),
                ),
                legal_basis=_basis("late_klage"),
            )
        )
    sections += [
        Section(
            _("What happens next"),
            (
                _p(
                    _("We will look at your case again."),
                    _("If we agree with you, we will change the decision."),
                ),
                _p(
                    _("If we keep our decision, we will send your appeal to NAV Klageinstans."),
                    _("You will get a letter about it, with a copy of what we write to them."),
                    _("NAV Klageinstans will then decide your appeal."),
                ),
            ),
            legal_basis=_parameter_basis("procedure.comment_weeks"),
        ),
        Section(
            _("Complaints about our service"),
            (
                _p(
                    _("Are you unhappy with how we have treated you?"),
                    _("Then you can send a service complaint on nav.no."),
                ),
                _p(
                    _("A service complaint is not an appeal against a decision."),
                    _("A service complaint does not change any deadline."),
                ),
            ),
        ),
        _documents_section(tr),
        _questions_section(common, tr),
    ]
    return _letter(data, "klage_received", _("We have received your appeal"), sections, tr)


# -- klage forwarded to NAV Klageinstans ------------------------------------------------------


def klage_forwarded_letter(data: KlageForwardedLetterData) -> Letter:
    """The first instance keeps its decision and sends the case to NAV Klageinstans (fvl. § 33)."""
    common = data.common
    tr = translator(common.language)
    _ = tr.gettext
    sections = [
        Section(
            _("We are keeping our decision"),
            (
                _p(
                    _klage_received_sentence(data.klage_received_date, data.vedtak_date, common, tr)
                ),
                _p(
                    _("We have looked at your case again."),
                    _("We still think the decision is right, so we are not changing it."),
                ),
                _p(
                    _(
                        "We have therefore sent your case to {klageinstans}.",
                        klageinstans=data.klageinstans,
                    ),
                    _("They will decide your appeal."),
                    _("They get a copy of all the documents in your case."),
                ),
            ),
            legal_basis=_basis("klage_forwarded"),
        ),
        Section(
            _("What we have written to NAV Klageinstans"),
            (
                _p(_("This is what we have written about your case:")),
                *_paragraphs(data.statement),
            ),
        ),
        Section(
            _("You can comment"),
            (
                _p(
                    _("If you disagree with what we have written, you can tell NAV Klageinstans."),
                    _(
                        "Send us your comments by {deadline}.",
                        deadline=_date(data.comment_deadline, tr),
                    ),
                ),
                _p(
                    _("Send them to {klageinstans}.", klageinstans=data.klageinstans),
                    _(
                        "Mark what you send with our reference {reference}.",
                        reference=common.reference,
                    ),
                ),
            ),
        ),
        Section(
            _("What happens next"),
            (
                _p(
                    _("NAV Klageinstans will go through the whole case again."),
                    _("They are not bound by what we have written."),
                    _("They will send their decision to you."),
                ),
                _p(_("You can find their case processing times on nav.no.")),
            ),
        ),
        _documents_section(tr),
        _questions_section(common, tr),
    ]
    title = _("We have sent your appeal to NAV Klageinstans")
    return _letter(data, "klage_forwarded", title, sections, tr)


# -- NAV Klageinstans' decision ---------------------------------------------------------------


def klageinstans_decision_letter(data: KlageinstansDecisionLetterData) -> Letter:
    """NAV Klageinstans' decision on an appeal (fvl. § 34; ftrl. § 21-12), with the right to
    appeal further to Trygderetten unless the case is sent back."""
    common = data.common
    tr = translator(common.language)
    _ = tr.gettext
    vedtak_date = _date(data.vedtak_date, tr)
    result: list[Block] = [_p(_(_KLAGEINSTANS_OUTCOMES[data.outcome], date=vedtak_date))]
    if data.outcome in ("omgjort", "delvis_omgjort"):
        result.append(
            _p(
                _("The unit that made the decision will carry out the change."),
                _("You will get a separate letter about it."),
            )
        )
    elif data.outcome == "opphevet":
        result.append(
            _p(
                _("We are sending the case back to the unit that made the decision."),
                _("This is called hjemvisning."),
                _("They will assess your case again and make a new decision."),
            )
        )
    result.append(
        _p(
            _(
                "You appealed against the decision of {date} about {benefit}. "
                "Your appeal was received on {received}.",
                date=vedtak_date,
                benefit=_benefit(common, tr),
                received=_date(data.klage_received_date, tr),
            )
        )
    )
    sections = [
        Section(_("What we have decided"), tuple(result)),
        Section(
            _("Why we have decided this"),
            _paragraphs(data.reasons),
            legal_basis=_basis("klage_decision"),
        ),
        _anke_section(data, tr),
        _documents_section(tr),
        _questions_section(common, tr),
    ]
    return _letter(
        data,
        "klageinstans_decision",
        _("Decision on your appeal"),
        sections,
        tr,
        tuple(data.signatures),
    )


def _anke_section(data: KlageinstansDecisionLetterData, tr: Translator) -> Section:
    _ = tr.gettext
    if data.outcome == "opphevet":
        return Section(
            _("You cannot appeal to Trygderetten now"),
            (
                _p(
                    _("Because the case has been sent back, there is no decision to appeal now."),
                    _("You will get a new decision."),
                    _("If you disagree with it, you can appeal against the new decision."),
                ),
            ),
            legal_basis=_parameter_basis("procedure.klage_weeks"),
        )
    blocks: list[Block] = [
        _p(
            _("If you disagree with our decision, you can appeal to Trygderetten."),
            _("Trygderetten is independent of NAV."),
        )
    ]
    timing = tr.ngettext(
        "The deadline for appealing to Trygderetten is {count} week "
        "from the day you received this letter.",
        "The deadline for appealing to Trygderetten is {count} weeks "
        "from the day you received this letter.",
        data.anke_deadline_weeks,
    )
    if data.anke_deadline is not None:
        timing += " " + _(
            "The last day you can appeal is {deadline}.", deadline=_date(data.anke_deadline, tr)
        )
    timing += " " + _("Send your appeal in good time. Trygderetten is strict about the deadline.")
    blocks.append(_p(timing))
    blocks.append(
        _p(
            _("Send the appeal to us at NAV Klageinstans, not to Trygderetten."),
            _("We prepare the case and send it on to Trygderetten."),
        )
    )
    blocks.append(
        _p(
            _("Write which decision you are appealing against, what you disagree with and why."),
            _("Sign the appeal."),
        )
    )
    blocks.append(
        _p(
            _(
                "If you disagree with the ruling of Trygderetten, "
                "you can take the case to the court of appeal."
            ),
            _("You must appeal to Trygderetten before you can go to court."),
        )
    )
    return Section(
        _("You can appeal to Trygderetten"),
        tuple(blocks),
        legal_basis=data.anke_legal_basis,
    )


# -- answer to a service complaint ------------------------------------------------------------


def serviceklage_answer_letter(data: ServiceklageAnswerLetterData) -> Letter:
    """The answer to a complaint about NAV's service; it changes no decision or deadline."""
    common = data.common
    tr = translator(common.language)
    _ = tr.gettext
    sections = [
        Section(
            _("Thank you for your feedback"),
            (
                _p(
                    _("We received your complaint on {date}.", date=_date(data.received_date, tr)),
                    _("Thank you for taking the time to write to us."),
                    _("Feedback helps us improve."),
                ),
            ),
        ),
        Section(
            _("What you told us"),
            (
                _p(_("This is how we have understood your complaint:")),
                *_paragraphs(data.complaint_summary),
            ),
        ),
        Section(_("Our reply"), _paragraphs(data.answer)),
        Section(
            _("This does not change any decision or deadline"),
            (
                _p(
                    _("This reply does not change any decision we have made."),
                    _("It does not change any deadline either."),
                ),
                _p(
                    _(
                        "If you disagree with a decision, "
                        "you must appeal against the decision itself."
                    ),
                    _("The deadline is in the decision letter."),
                ),
            ),
        ),
        _questions_section(common, tr),
    ]
    title = _("Reply to your complaint about our service")
    return _letter(data, "serviceklage_answer", title, sections, tr, tuple(data.signatures))


# -- requests under GDPR art. 15-22 ------------------------------------------------------------

_PRIVACY_KINDS = {
    "access": N_("your request for a copy of your data"),
    "correction": N_("your request to correct your data"),
    "erasure": N_("your request to erase your data"),
    "restriction": N_("your request to restrict how we use your data"),
    "objection": N_("your objection to how we use your data"),
    "manual_review": N_("your request for a caseworker to look at an automatic decision"),
}
_PRIVACY_OUTCOMES = {
    "granted": N_("We have done what you asked."),
    "partly": N_("We have done part of what you asked."),
    "refused": N_("We cannot do what you asked."),
}


# The kinds of record an erasure request speaks of (`trygd.domain.erasure`), and why each is
# erased or kept (by the name of its legal basis in rules/legal_bases.toml).
_ERASURE_CATEGORIES = {
    "unsent_applications": N_("Applications you started but did not send"),
    "documents_of_unsent_applications": N_(
        "Documents you uploaded to applications you did not send"
    ),
    "unsent_meldekort": N_("Meldekort you started but did not send"),
    "rejected_applications": N_("The text and answers of applications rejected long ago"),
    "documents_of_rejected_applications": N_("Documents sent with applications rejected long ago"),
    "sent_drafts_of_rejected_applications": N_("Saved answers of applications rejected long ago"),
    "applications": N_("Applications you sent, with their documents"),
    "decisions": N_("Decisions"),
    "letters": N_("Letters"),
    "appeals": N_("Appeals"),
    "meldekort": N_("Meldekort you sent"),
    "payments": N_("Payments"),
    "access_log_and_requests": N_("The log of who handled your data, and your requests about it"),
}
_ERASURE_REASONS = {
    "erasure_not_needed": N_("Never sent: no law requires us to keep it."),
    "erasure_past_retention": N_("Kept longer than the period we keep such data."),
    "erasure_kept_archive": N_("Case documents: the Archives Act requires us to keep them."),
    "erasure_kept_accounting": N_("Payments: the accounting rules require us to keep them."),
    "erasure_kept_accountability": N_(
        "We must be able to show who handled your data and how we answered you."
    ),
}
_ERASURE_ACTIONS = {
    "deleted": N_("Deleted"),
    "anonymised": N_("Emptied of your answers"),
    "kept": N_("Kept"),
}


def _erasure_sections(data: PrivacyAnswerLetterData, tr: Translator) -> list[Section]:
    """What was erased and what is kept, with the reason and the legal basis of each."""
    if data.kind != "erasure":
        return []
    _ = tr.gettext
    header = (_("Data"), _("Number"), _("What we did"), _("Why"), _("Legal basis"))

    def rows(lines: tuple[ErasureLine, ...]) -> tuple[tuple[str, ...], ...]:
        return tuple(
            (
                _(_ERASURE_CATEGORIES[line.category]),
                str(line.count),
                _(_ERASURE_ACTIONS[line.action]),
                _(_ERASURE_REASONS[_erasure_reason(line)]),
                line.legal_basis,
            )
            for line in lines
        )

    erased: tuple[Block, ...] = (
        (Table(_("What we erased"), header, rows(data.erased)),)
        if data.erased
        else (_p(_("We have not erased any of your data.")),)
    )
    return [
        Section(_("What we erased"), erased),
        Section(
            _("What we keep, and why"),
            (
                _p(
                    _(
                        "The law requires us to keep most of the data in your cases, also"
                        " after they are finished. We keep it only as long as the law says."
                    )
                ),
                Table(_("What we keep"), header, rows(data.kept)),
            ),
        ),
    ]


def _erasure_reason(line: ErasureLine) -> str:
    """The reason's name: the category's legal basis (trygd.domain.erasure)."""
    return erasure.CATEGORIES[line.category].legal_basis


def _complaint_section(tr: Translator) -> Section:
    _ = tr.gettext
    return Section(
        _("If you disagree"),
        (
            _p(
                _("You can complain to the Norwegian Data Protection Authority (Datatilsynet)."),
                _("You can also ask NAV's data protection officer for advice."),
            ),
        ),
    )


def privacy_answer_letter(data: PrivacyAnswerLetterData) -> Letter:
    """The answer to a request under GDPR art. 15-22, in the caseworker's words."""
    common = data.common
    tr = translator(common.language)
    _ = tr.gettext
    what = _(_PRIVACY_KINDS[data.kind])
    sections = [
        Section(
            _(_PRIVACY_OUTCOMES[data.outcome]),
            (
                _p(
                    _(
                        "We received {what} on {date}.",
                        what=what,
                        date=_date(data.received_date, tr),
                    ),
                ),
                *_paragraphs(data.answer),
            ),
            legal_basis=data.legal_basis,
        ),
        *_erasure_sections(data, tr),
        _complaint_section(tr),
        _questions_section(common, tr),
    ]
    title = _("Answer to your request about your personal data")
    return _letter(data, "privacy_answer", title, sections, tr, tuple(data.signatures))


def privacy_extension_letter(data: PrivacyExtensionLetterData) -> Letter:
    """We need more time: the new last day for the answer, and why (GDPR art. 12(3))."""
    common = data.common
    tr = translator(common.language)
    _ = tr.gettext
    what = _(_PRIVACY_KINDS[data.kind])
    sections = [
        Section(
            _("We need more time to answer you"),
            (
                _p(
                    _(
                        "We received {what} on {date}.",
                        what=what,
                        date=_date(data.received_date, tr),
                    ),
                    _(
                        "We were to answer by {first}, but we need more time.",
                        first=_date(data.first_deadline, tr),
                    ),
                ),
                _p(
                    _(
                        "You will get our answer by {deadline} at the latest.",
                        deadline=_date(data.new_deadline, tr),
                    )
                ),
            ),
            legal_basis=data.legal_basis,
        ),
        Section(_("Why we need more time"), _paragraphs(data.reason)),
        _complaint_section(tr),
        _questions_section(common, tr),
    ]
    title = _("We need more time to answer your request about your personal data")
    return _letter(data, "privacy_extension", title, sections, tr, tuple(data.signatures))


# -- dispatch ---------------------------------------------------------------------------------


def build_letter(data: LetterData) -> Letter:
    """Build the letter for any of the input records in `trygd.letters.data`."""
    if isinstance(data, VedtakLetterData):
        return vedtak_letter(data)
    if isinstance(data, InformationRequestLetterData):
        return information_request_letter(data)
    if isinstance(data, AdvanceNoticeLetterData):
        return advance_notice_letter(data)
    if isinstance(data, KlageReceivedLetterData):
        return klage_received_letter(data)
    if isinstance(data, KlageForwardedLetterData):
        return klage_forwarded_letter(data)
    if isinstance(data, KlageinstansDecisionLetterData):
        return klageinstans_decision_letter(data)
    if isinstance(data, ServiceklageAnswerLetterData):
        return serviceklage_answer_letter(data)
    if isinstance(data, PrivacyAnswerLetterData):
        return privacy_answer_letter(data)
    if isinstance(data, PrivacyExtensionLetterData):
        return privacy_extension_letter(data)
    if isinstance(data, TilbakekrevingVarselLetterData | TilbakekrevingVedtakLetterData):
        from trygd.letters import tilbakekreving  # builds on this module's helpers

        if isinstance(data, TilbakekrevingVarselLetterData):
            return tilbakekreving.varsel_letter(data)
        return tilbakekreving.vedtak_letter(data)
    raise TypeError(f"no letter is built from {type(data).__name__}")
