"""Rendering letters: PDF/A-2a + PDF/UA-1 through Typst, accessible HTML, and LIX."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from html.parser import HTMLParser

import pikepdf
import pypdf
import pytest
import typst
from hypothesis import given, settings
from hypothesis import strategies as st
from pdfcheck import check_pdf

from trygd.letters.model import FactList, Items, Language, Letter, Paragraph, Section, Table
from trygd.letters.readability import lix, running_text_lix, text_counts
from trygd.letters.render import (
    TEMPLATE_VERSION,
    LetterRenderError,
    letter_source,
    render_html,
    render_pdf,
    render_typst_source,
    template_version,
    typst_string,
)

LANGUAGES: tuple[Language, ...] = ("nb", "nn", "en")
LETTER_DATE = dt.date(2026, 3, 1)
LEGAL_BASIS_LABEL = {"nb": "Hjemmel", "nn": "Heimel", "en": "Legal basis"}
DATE_TEXT = {"nb": "1. mars 2026", "nn": "1. mars 2026", "en": "1 March 2026"}

_TEXTS = {
    "nb": {
        "title": "Vedtak om dagpenger",
        "h_decision": "Dette har vi bestemt",
        "p_decision": "Du får dagpenger fra 1. mars 2026. Vi betaler hver fjortende dag.",
        "facts": "Slik har vi regnet ut dagpengene",
        "fact_rows": (("Dagsats", "1 234 kr"), ("Grunnlag", "456 789 kr"), ("Ventetid", "3 dager")),
        "legal": "folketrygdloven §§ 4-3 og 4-4",
        "h_duties": "Dette må du gjøre",
        "items": (
            "Send meldekort hver fjortende dag.",
            "Gi beskjed hvis du får arbeid – også deltid.",
        ),
        "table": "Utbetalinger",
        "header": ("Periode", "Dager", "Beløp"),
        "rows": (("1.–14. mars", "10", "12 340 kr"), ("15.–28. mars", "9", "11 106 kr")),
        "h_appeal": "Du har rett til å klage",
        "p_appeal": "Hvis du mener vedtaket er feil, kan du klage innen seks uker. Klagen må være "
        "skriftlig. Du finner skjema og veiledning på nav.no/klage. Vi kan hjelpe deg.",
        "legal_appeal": "ftrl. § 21-12 og fvl. §§ 28 til 33",
        "signature_label": "Med vennlig hilsen",
        "labels": {"reference": "Saksnummer", "date": "Dato", "page": "Side", "of": "av"},
    },
    "nn": {
        "title": "Vedtak om dagpengar",
        "h_decision": "Dette har vi bestemt",
        "p_decision": "Du får dagpengar frå 1. mars 2026. Vi betaler kvar fjortande dag.",
        "facts": "Slik har vi rekna ut dagpengane",
        "fact_rows": (("Dagsats", "1 234 kr"), ("Grunnlag", "456 789 kr"), ("Ventetid", "3 dagar")),
        "legal": "folketrygdlova §§ 4-3 og 4-4",
        "h_duties": "Dette må du gjere",
        "items": ("Send meldekort kvar fjortande dag.", "Gi beskjed om du får arbeid – òg deltid."),
        "table": "Utbetalingar",
        "header": ("Periode", "Dagar", "Beløp"),
        "rows": (("1.–14. mars", "10", "12 340 kr"), ("15.–28. mars", "9", "11 106 kr")),
        "h_appeal": "Du har rett til å klage",
        "p_appeal": "Om du meiner vedtaket er feil, kan du klage innan seks veker. Klaga må vere "
        "skriftleg. Du finn skjema og rettleiing på nav.no/klage. Vi kan hjelpe deg.",
        "legal_appeal": "ftrl. § 21-12 og fvl. §§ 28 til 33",
        "signature_label": "Med venleg helsing",
        "labels": {"reference": "Saksnummer", "date": "Dato", "page": "Side", "of": "av"},
    },
    "en": {
        "title": "Decision on unemployment benefit",
        "h_decision": "What we have decided",
        "p_decision": "You get unemployment benefit from 1 March 2026. We pay every two weeks.",
        "facts": "How we calculated your benefit",
        "fact_rows": (("Daily rate", "NOK 1,234"), ("Basis", "NOK 456,789"), ("Waiting", "3 days")),
        "legal": "National Insurance Act §§ 4-3 and 4-4",
        "h_duties": "What you must do",
        "items": ("Send an employment status form every two weeks.", "Tell us if you get work."),
        "table": "Payments",
        "header": ("Period", "Days", "Amount"),
        "rows": (("1–14 March", "10", "NOK 12,340"), ("15–28 March", "9", "NOK 11,106")),
        "h_appeal": "You have the right to appeal",
        "p_appeal": "If you think the decision is wrong, you can appeal within six weeks. The "
        "appeal must be in writing. Forms and guidance are on nav.no/klage. Ærlig talt, å søke "
        "hjelp er lurt.",
        "legal_appeal": "NIA § 21-12 and PAA §§ 28 to 33",
        # No labels: the renderer's English defaults apply.
        "signature_label": "Yours sincerely",
        "labels": {},
    },
}


def make_letter(language: Language = "nb", **changes: object) -> Letter:
    t = _TEXTS[language]
    labels = dict(t["labels"])
    if labels:
        labels["signatures"] = t["signature_label"]
    letter = Letter(
        kind="vedtak",
        language=language,
        title=t["title"],
        letter_date=LETTER_DATE,
        recipient="Kåre Ærlig Østby",
        reference="SAK-2026-00042",
        sender="4450 Nav Arbeid og ytelser Kristiania",
        sections=(
            Section(
                t["h_decision"],
                (Paragraph(t["p_decision"]), FactList(t["facts"], t["fact_rows"])),
                legal_basis=t["legal"],
            ),
            Section(
                t["h_duties"],
                (Items(t["items"]), Table(t["table"], t["header"], t["rows"])),
            ),
            Section(t["h_appeal"], (Paragraph(t["p_appeal"]),), legal_basis=t["legal_appeal"]),
        ),
        signatures=("Siri Saksbehandler", "Bjørn Beslutter"),
        labels=labels,
    )
    return dataclasses.replace(letter, **changes) if changes else letter  # type: ignore[arg-type]


@cache
def pdf_for(language: Language) -> bytes:
    return render_pdf(make_letter(language))


def pdf_text(pdf: bytes) -> tuple[str, int]:
    """All text of the PDF, white space collapsed, and the number of pages."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return normalise(text), len(reader.pages)


def normalise(text: str) -> str:
    return " ".join(text.split())


# ---- PDF: conformance and structure ----------------------------------------------------------

EXPECTED_ROLES = {"H1", "H2", "P", "L", "LI", "Table", "TR", "TH", "TD", "Caption", "Figure"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_conforms_and_is_tagged(language: Language) -> None:
    letter = make_letter(language)
    report = check_pdf(pdf_for(language), EXPECTED_ROLES)

    assert report.problems == []
    assert report.roles >= EXPECTED_ROLES
    assert report.language == language
    assert report.title == letter.title
    # The title is the one H1; each section heading is an H2, in order.
    assert report.headings == [
        ("H1", letter.title),
        *(("H2", s.heading) for s in letter.sections),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_text_is_extractable_in_full(language: Language) -> None:
    letter = make_letter(language)
    text, pages = pdf_text(pdf_for(language))

    expected = [letter.title, letter.recipient, letter.reference, letter.sender]
    for section in letter.sections:
        expected.append(section.heading)
        if section.legal_basis:
            expected.append(f"{LEGAL_BASIS_LABEL[language]}: {section.legal_basis}")
        for block in section.blocks:
            if isinstance(block, Paragraph):
                expected.append(block.text)
            elif isinstance(block, Items):
                expected.extend(block.items)
            elif isinstance(block, FactList):
                expected.append(block.caption)
                expected.extend(f"{label}: {value}" for label, value in block.rows)
            else:
                assert isinstance(block, Table)
                expected.append(block.caption)
                expected.append(" ".join(block.header))
                expected.extend(" ".join(row) for row in block.rows)
    expected.extend(letter.signatures)
    expected.append(_TEXTS[language]["signature_label"])
    expected.append(DATE_TEXT[language])
    page, of = ("Page", "of") if language == "en" else ("Side", "av")
    expected.append(f"{page} 1 {of} {pages}")
    expected.append(f"{page} {pages} {of} {pages}")
    reference_label = "Reference" if language == "en" else "Saksnummer"
    expected.append(f"{reference_label}: {letter.reference}")

    missing = [e for e in expected if normalise(e) not in text]
    assert missing == []


def test_a_longer_letter_numbers_its_pages() -> None:
    letter = make_letter("nb")
    extra = tuple(
        Section(f"Del {i}", tuple(Paragraph(_TEXTS["nb"]["p_appeal"]) for _ in range(4)))
        for i in range(6)
    )
    text, pages = pdf_text(
        render_pdf(dataclasses.replace(letter, sections=letter.sections + extra))
    )
    assert pages >= 2
    for page in range(1, pages + 1):
        assert f"Side {page} av {pages}" in text


def test_the_pdf_is_dated_with_the_letter_date() -> None:
    with pikepdf.open(io.BytesIO(pdf_for("nb"))) as pdf:
        meta = pdf.open_metadata()
        assert str(meta.get("xmp:CreateDate", "")).startswith("2026-03-01")


def test_the_same_letter_gives_the_same_bytes() -> None:
    letter = make_letter("nn")
    first = render_pdf(letter)
    assert render_pdf(letter) == first
    # A fresh compiler (in another thread) gives the same bytes too.
    result: list[bytes] = []
    thread = threading.Thread(target=lambda: result.append(render_pdf(letter)))
    thread.start()
    thread.join()
    assert result == [first]
    # ... and a different date gives different bytes.
    assert render_pdf(dataclasses.replace(letter, letter_date=dt.date(2026, 3, 2))) != first


def test_rendering_in_several_threads_at_once() -> None:
    letters = [make_letter(lang, reference=f"SAK-{i}") for i, lang in enumerate(LANGUAGES * 2)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        parallel = list(pool.map(render_pdf, letters))
    assert parallel == [render_pdf(letter) for letter in letters]


def test_markup_in_texts_is_printed_literally() -> None:
    nasty = (
        "#set text(fill: red) *fet* _kursiv_ $x^2$ [lenke] \\ @ref <lbl> // kommentar "
        '#panic("x") `raw` #{1 + 1} 50% ~ æøå §'
    )
    letter = make_letter(
        "nb",
        title=f"Vedtak {nasty}",
        recipient=nasty,
        reference=nasty,
        sections=(
            Section(
                nasty,
                (
                    Paragraph(nasty),
                    Items((nasty,)),
                    FactList(nasty, ((nasty, nasty),)),
                    Table(nasty, (nasty, "B"), ((nasty, "2"),)),
                ),
                legal_basis=nasty,
            ),
        ),
        signatures=(nasty,),
    )
    pdf = render_pdf(letter)
    text, _ = pdf_text(pdf)
    # recipient, reference, heading, paragraph, item, caption, label, value, caption, header,
    # cell, legal basis and signature: each printed as written; the title once more.
    assert text.count(normalise(nasty)) >= 13
    assert f"Vedtak {nasty}" in text
    assert check_pdf(pdf).problems == []


@settings(max_examples=60, deadline=None)
@given(st.text())
def test_a_typst_string_literal_holds_any_text_exactly(text: str) -> None:
    """The letter's JSON reaches the template as one string literal: whatever the text, Typst
    reads back exactly that text, and nothing in it can end the literal early."""
    source = f"#let s = {typst_string(text)}\n#assert.eq(s, sys.inputs.expected)\n"
    compiler = typst.Compiler(ignore_system_fonts=True)
    compiler.compile(input=source.encode(), format="pdf", sys_inputs={"expected": text})


def test_the_letter_source_is_the_template_after_one_ascii_line() -> None:
    letter = make_letter("nb", recipient='Åse "Q" \\ Ødegård #panic("x")')
    first_line, rest = letter_source(letter).split("\n", 1)
    assert first_line.startswith('#let letter-json = "') and first_line.isascii()
    assert rest.startswith("// A letter from trygd")
    text, _ = pdf_text(render_pdf(letter))
    assert 'Åse "Q" \\ Ødegård #panic("x")' in text


def test_labels_fall_back_to_defaults() -> None:
    letter = make_letter("nb", labels={})
    text, pages = pdf_text(render_pdf(letter))
    assert f"Side 1 av {pages}" in text
    assert "Saksnummer: SAK-2026-00042" in text
    assert "Dato: 1. mars 2026" in text


def test_a_letter_without_signatures_or_legal_basis() -> None:
    letter = make_letter(
        "en",
        signatures=(),
        sections=(Section("Only a heading", (Paragraph("One short paragraph."),)),),
    )
    pdf = render_pdf(letter)
    assert check_pdf(pdf, {"H1", "H2", "P"}).problems == []
    text, _ = pdf_text(pdf)
    assert "Yours sincerely" not in text


# ---- Typst failures, accessibility failures --------------------------------------------------

_SQUARE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">'
    '<rect width="20" height="20" fill="#000"/></svg>'
)
_IMAGE_SOURCE = """
#set document(title: "Bilde", date: datetime(year: 2026, month: 3, day: 1))
#set text(lang: "nb", font: "Libertinus Serif")
= Bilde
#image(bytes(sys.inputs.svg), width: 2cm{alt})
"""


def test_an_image_without_alt_text_fails() -> None:
    with pytest.raises(LetterRenderError, match="alt text"):
        render_typst_source(_IMAGE_SOURCE.replace("{alt}", ""), {"svg": _SQUARE_SVG})


def test_the_same_image_with_alt_text_succeeds() -> None:
    source = _IMAGE_SOURCE.replace("{alt}", ', alt: "En svart firkant"')
    report = check_pdf(render_typst_source(source, {"svg": _SQUARE_SVG}), {"H1", "Figure"})
    assert report.problems == []


def test_other_inputs_and_a_failure_in_between_do_not_change_a_letter() -> None:
    """The compiler keeps `sys.inputs` between compiles; a compile with other inputs, or one
    that fails, must not leak into the next letter."""
    letter = make_letter("en")
    first = render_pdf(letter)
    render_typst_source(_IMAGE_SOURCE.replace("{alt}", ', alt: "A square"'), {"svg": _SQUARE_SVG})
    assert render_pdf(letter) == first
    with pytest.raises(LetterRenderError):
        render_typst_source("#sys.inputs.logo.nonsense", {"svg": _SQUARE_SVG})
    assert render_pdf(letter) == first


def test_a_typst_error_is_a_letter_render_error() -> None:
    with pytest.raises(LetterRenderError, match="unknown variable"):
        render_typst_source("#set document(title: nonsense)", {})


def test_the_checker_finds_problems_in_a_plain_pdf() -> None:
    plain = typst.Compiler(ignore_system_fonts=True).compile(
        input=b"Hei", format="pdf", pdf_tags=False
    )
    assert isinstance(plain, bytes)
    found = " | ".join(check_pdf(plain, {"H1"}).problems)
    for expected in ("pdfaid:part", "pdfuaid:part", "dc:title", "MarkInfo", "StructTreeRoot"):
        assert expected in found
    assert "OutputIntent" in found
    assert "missing from the tag tree: ['H1']" in found


def test_the_checker_finds_problems_in_a_spoiled_letter() -> None:
    with pikepdf.open(io.BytesIO(pdf_for("nb"))) as pdf:
        del pdf.Root.Lang
        pdf.Root.ViewerPreferences.DisplayDocTitle = False
        pdf.Root.OpenAction = pdf.make_indirect(
            pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        )
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in obj:
                        del obj[key]
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="", R=6))
    found = " | ".join(check_pdf(out.getvalue()).problems)
    for expected in ("/Lang", "DisplayDocTitle", "JavaScript", "not embedded", "encrypted"):
        assert expected in found


def test_template_version() -> None:
    assert TEMPLATE_VERSION.startswith("letter-")
    assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d+\+[0-9a-f]{8}", template_version())


# ---- HTML ------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    """Collects the tags with their attributes and checks that they nest properly."""

    VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack})")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    assert parser.errors == []
    assert parser.stack == []
    return parser


@pytest.mark.parametrize("language", LANGUAGES)
def test_html_structure(language: Language) -> None:
    letter = make_letter(language)
    html = render_html(letter)
    parsed = parse_html(html)
    tags = [t for t, _ in parsed.tags]

    assert parsed.tags[0] == ("article", {"class": "letter", "lang": language})
    assert tags.count("h1") == 1
    assert tags.count("h2") == len(letter.sections)
    assert tags.count("section") == len(letter.sections)
    assert tags.count("table") == 2
    assert tags.count("caption") == 2
    assert {"header", "dl", "dt", "dd", "p", "ul", "li", "time"} <= set(tags)
    scopes = [a.get("scope") for t, a in parsed.tags if t == "th"]
    assert scopes.count("row") == 3  # the fact list's labels
    assert scopes.count("col") == 3  # the table's header
    assert ("p", {"class": "legal-basis"}) in parsed.tags
    assert "script" not in tags and "style" not in tags
    assert not any("style" in a or any(k.startswith("on") for k in a) for _, a in parsed.tags)
    text = normalise(" ".join(parsed.text))
    for expected in (letter.title, letter.reference, DATE_TEXT[language], *letter.signatures):
        assert expected in text


def test_html_escapes_every_text() -> None:
    script = '<script>alert("x")</script> & <b onclick="x">fet</b>'
    letter = make_letter(
        "nb",
        title=script,
        recipient=script,
        sections=(
            Section(
                script,
                (
                    Paragraph(script),
                    Items((script,)),
                    FactList(script, ((script, script),)),
                    Table(script, (script,), ((script,),)),
                ),
                legal_basis=script,
            ),
        ),
        signatures=(script,),
        labels={"reference": script},
    )
    html = render_html(letter)
    assert "<script" not in html
    assert "<b " not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp;" in html
    parsed = parse_html(html)
    # Every text comes back unchanged after unescaping.
    assert normalise(" ".join(parsed.text)).count(script) >= 12


# ---- LIX -------------------------------------------------------------------------------------


def test_lix_of_a_small_text_by_hand() -> None:
    # 8 words, 2 sentences, 3 long words (dagpenger, betaler, fjortende):
    # 8/2 + 100 * 3/8 = 4 + 37.5
    text = "Du får dagpenger. Vi betaler hver fjortende dag."
    assert text_counts(text) == (8, 2, 3)
    assert lix(text) == pytest.approx(41.5)


def test_lix_numbers_dates_and_paragraph_references() -> None:
    # Words: Du får 1234 kr fra 1. mars 2026 etter ftrl. 4-4. Vi betaler bl.a. feriepenger.
    # = 15 words; "§" is not a word; "1 234" is one; "1. mars" and the abbreviations
    # "ftrl." and "bl.a." do not end sentences: 2 sentences. Long: betaler, feriepenger.
    text = "Du får 1 234 kr fra 1. mars 2026 etter ftrl. § 4-4. Vi betaler bl.a. feriepenger."
    assert text_counts(text) == (15, 2, 2)
    assert lix(text) == pytest.approx(15 / 2 + 100 * 2 / 15)


def test_lix_numbers_and_abbreviations_are_never_long() -> None:
    # "01.03.2026", "456 789", "forvaltningsl." ... none is long; "f.eks." is an abbreviation.
    words, sentences, long_words = text_counts("Fra 01.03.2026 får du 456 789 kr, f.eks. nå.")
    assert (words, sentences, long_words) == (8, 1, 0)


def test_lix_sentence_ends() -> None:
    # A line break ends a sentence (list items rarely end with a full stop).
    assert text_counts("Send meldekort\nMøt til samtale") == (5, 2, 2)  # meldekort, samtale
    # "osv." followed by a capital letter ends the sentence; "jf." does not.
    assert text_counts("Lønn, trygd osv. Vi sjekker.")[1] == 2
    assert text_counts("Se jf. Vedlegg to.")[1] == 1
    # An ordinal before a capital ends the sentence: "... den 14. Vi ..."
    assert text_counts("Vi betaler den 14. Du får brev.")[1] == 2
    # Question marks, exclamation marks and colons end sentences.
    assert text_counts("Har du spørsmål? Ring oss! Merk: vi svarer raskt.")[1] == 4
    # "2026 300" is a year and a number, not a number with a thousands separator.
    assert text_counts("I 2026 300 personer")[0] == 4


def test_lix_of_nothing_is_zero() -> None:
    assert lix("") == 0.0
    assert lix("§ – /") == 0.0


def test_running_text_lix_reads_paragraphs_and_items() -> None:
    letter = make_letter("nb")
    assert running_text_lix(letter) == pytest.approx(lix(letter.running_text()))
    assert 0 < running_text_lix(letter) < 60
