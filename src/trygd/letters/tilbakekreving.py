"""The two letters of a tilbakekreving, in bokmål, nynorsk and English.

- the forhåndsvarsel (fvl. § 16): that we consider claiming money back, how much, for which
  periods and why, and by when the person can comment (the deadline module's date);
- the vedtak (fvl. §§ 24-25): the result, each rule's reason with its legal basis (the
  stored result explained in the reader's language), the amounts, how the money is
  recovered (set-off against later payments, or a claim handed on), and the right to
  appeal with its deadline (ftrl. § 21-12).

Every number, date and § comes from the data (parameters, the deadline module, the rules'
result); the texts hold only placeholders.
"""

from __future__ import annotations

from trygd.letters.build import (
    NAV_PHONE,
    _basis,
    _benefit,
    _date,
    _documents_section,
    _letter,
    _p,
    _questions_section,
)
from trygd.letters.data import (
    FeilutbetaltPeriodLine,
    TilbakekrevingVarselLetterData,
    TilbakekrevingVedtakLetterData,
)
from trygd.letters.i18n import N_, Translator, translator
from trygd.letters.model import Block, FactList, Items, Letter, Section, Table
from trygd.rules import formatting


def _kr(ore: int, tr: Translator) -> str:
    return formatting.kroner_from_ore(ore, tr.language)


def _period_table(periods: tuple[FeilutbetaltPeriodLine, ...], tr: Translator) -> Table:
    _ = tr.gettext
    return Table(
        _("Paid too much, by period"),
        (_("Period"), _("Paid"), _("Correct amount"), _("Paid too much")),
        tuple(
            (
                _("{start} to {end}", start=_date(p.start, tr), end=_date(p.end, tr)),
                _kr(p.paid_ore, tr),
                _kr(p.correct_ore, tr),
                _kr(p.paid_ore - p.correct_ore, tr),
            )
            for p in periods
        ),
    )


def varsel_letter(data: TilbakekrevingVarselLetterData) -> Letter:
    common = data.common
    tr = translator(common.language)
    _ = tr.gettext
    benefit = _benefit(common, tr)
    sections = [
        Section(
            _("We are considering asking you to pay back money"),
            (
                _p(
                    _("This is not a decision. We have not decided anything yet."),
                    _("First we want to hear from you."),
                ),
                _p(
                    _(
                        "You have been paid {amount} too much in {benefit}.",
                        amount=_kr(data.feilutbetalt_ore, tr),
                        benefit=benefit,
                    ),
                    _("We are considering asking you to pay back all or part of it."),
                ),
                _period_table(data.periods, tr),
            ),
            legal_basis=_basis("tilbakekreving_advance_notice"),
        ),
        Section(
            _("Why you have been paid too much"),
            (
                _p(
                    _(
                        "On {date} we made a new decision on your {benefit} from {start}.",
                        date=_date(data.vedtak_date, tr),
                        benefit=benefit,
                        start=_date(data.effective_from, tr),
                    ),
                    _("By then you had already been paid for these periods at the old amount."),
                    _("The difference has been paid too much."),
                ),
            ),
        ),
        Section(
            _("What we will consider"),
            (
                _p(_("Before we decide, we will consider")),
                Items(
                    (
                        _(
                            "whether you understood or should have understood that the payment "
                            "was wrong"
                        ),
                        _("whether you gave us wrong or incomplete information"),
                        _("whether some of the amount is too old to be claimed back"),
                        _("whether there are special reasons to claim back less, or nothing"),
                    )
                ),
                _p(
                    _("If you acted on purpose or with gross negligence, we add interest."),
                ),
            ),
            legal_basis=_basis("tilbakekreving_grounds"),
        ),
        Section(
            _("You can give us your view"),
            (
                _p(
                    _("Send us your comments by {deadline}.", deadline=_date(data.deadline, tr)),
                    _("Tell us if something is wrong or missing."),
                    _("Tell us if you did not understand that you were paid too much."),
                ),
                _p(
                    _(
                        "You can write to us on nav.no, send a letter to {unit} "
                        "or call us on {phone}.",
                        unit=common.sender,
                        phone=NAV_PHONE,
                    )
                ),
            ),
            legal_basis=data.deadline_legal_basis,
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
            ),
        ),
        _documents_section(tr),
        _questions_section(common, tr),
    ]
    title = _("Advance notice: you may have to pay back {benefit}", benefit=benefit)
    return _letter(data, "tilbakekreving_varsel", title, sections, tr)


_RESULT = {
    "full": N_("You must pay back {amount}."),
    "partial": N_("You must pay back {amount}."),
    "none": N_("You do not have to pay back anything."),
}


def vedtak_letter(data: TilbakekrevingVedtakLetterData) -> Letter:
    common = data.common
    tr = translator(common.language)
    _ = tr.gettext
    benefit = _benefit(common, tr)
    result: list[Block] = [
        _p(
            _(
                "You have been paid {amount} too much in {benefit}.",
                amount=_kr(data.feilutbetalt_ore, tr),
                benefit=benefit,
            ),
            _(_RESULT.get(data.outcome, _RESULT["full"]), amount=_kr(data.claim_ore, tr)),
        ),
        FactList(
            _("The amounts"),
            (
                (_("Paid too much"), _kr(data.feilutbetalt_ore, tr)),
                (_("Claimed back"), _kr(data.recovered_ore, tr)),
                (_("Interest supplement"), _kr(data.rentetillegg_ore, tr)),
                (_("To pay back in all"), _kr(data.claim_ore, tr)),
            ),
        ),
        _period_table(data.periods, tr),
    ]
    reasons = tuple(
        Section(title, (_p(text),), legal_basis=basis) for title, text, basis in data.reasons
    )
    how: list[Block] = []
    if data.recovery_method == "setoff":
        how.append(
            _p(
                _("We will deduct the amount from your next payments from NAV until it is paid."),
                _(
                    "We deduct at most {share} of each payment after tax.",
                    share=formatting.percent(data.setoff_share, tr.language),
                ),
                _("You can see what is left to pay on nav.no."),
            )
        )
    elif data.recovery_method == "handed_on":
        how.append(
            _p(
                _("The claim is sent on for collection."),
                _("You will get a separate letter on how to pay."),
            )
        )
    sections = [
        Section(
            _("Our decision"), tuple(result), legal_basis=_basis("tilbakekreving_decision_reasons")
        ),
        *reasons,
    ]
    if how:
        sections.append(
            Section(_("How you pay back"), tuple(how), legal_basis=_basis("tilbakekreving_setoff"))
        )
    weeks = data.klage_deadline_weeks
    sections.append(
        Section(
            _("You can appeal"),
            (
                _p(
                    _("If you disagree with this decision, you can appeal."),
                    tr.ngettext(
                        "The deadline for appealing is {count} week from the day you received "
                        "this letter.",
                        "The deadline for appealing is {count} weeks "
                        "from the day you received this letter.",
                        weeks,
                    ),
                    _(
                        "Your appeal must have reached us, or have been sent, by {deadline}.",
                        deadline=_date(data.klage_deadline, tr),
                    ),
                ),
                _p(
                    _("Send documents that can help us understand your case."),
                    _("Send your appeal to {unit}.", unit=common.sender),
                    _("You can appeal on nav.no or send your appeal by post."),
                ),
            ),
            legal_basis=data.klage_legal_basis,
        )
    )
    sections += [_documents_section(tr), _questions_section(common, tr)]
    title = _("Decision: paying back {benefit}", benefit=benefit)
    return _letter(
        data,
        "tilbakekreving_vedtak",
        title,
        sections,
        tr,
        data.signatures,
    )
