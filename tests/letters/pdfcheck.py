"""A conformance check for the letters' PDFs: PDF/A-2a and PDF/UA-1 as far as pikepdf can see.

This is not a validator. It checks what a tagged, archivable letter must declare and contain
(the declarations in XMP, title, language, the tag tree, embedded fonts, the output intent, no
encryption and no JavaScript) and collects the structure roles, so tests can assert on them.
It cannot judge everything a validator would (reading order against the page content, colour
contrast, glyph-to-Unicode mapping of every character, ...).

If veraPDF is installed (`verapdf` on PATH, or its path in the environment variable VERAPDF),
`check_pdf` also runs it for flavours 2a and ua1 and adds its failures to the problems. It is
not installable from PyPI, Debian or npm; install it from https://verapdf.org (a Java 11+
program; the "greenfield" CLI is enough) if you want the full check.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


@dataclass
class PdfReport:
    problems: list[str] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)  # structure types as written (/S)
    standard_roles: set[str] = field(default_factory=set)  # the same, mapped through RoleMap
    headings: list[tuple[str, str]] = field(default_factory=list)  # (role, /T) in tree order
    language: str | None = None
    title: str | None = None
    validator: str = "pikepdf"  # "pikepdf+veraPDF" when veraPDF ran as well

    @property
    def ok(self) -> bool:
        return not self.problems


def check_pdf(data: bytes, expected_roles: Iterable[str] = ()) -> PdfReport:
    """Check `data`; `report.problems` is empty when everything checked is in order.

    `expected_roles` (e.g. {"H1", "H2", "P", "Table", "TH"}) must all occur in the tag tree,
    either as written or after the RoleMap.
    """
    report = PdfReport()
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        report.problems.append("the PDF is encrypted (a password is needed to open it)")
        return report
    except pikepdf.PdfError as exc:
        report.problems.append(f"not a readable PDF: {exc}")
        return report
    with pdf:
        if pdf.is_encrypted or "/Encrypt" in pdf.trailer:
            report.problems.append("the PDF is encrypted")
        _check_metadata(pdf, report)
        _check_catalogue(pdf, report)
        _check_structure(pdf, report)
        _check_fonts(pdf, report)
        _check_output_intent(pdf, report)
        _check_javascript(pdf, report)
    missing = {r for r in expected_roles if r not in report.roles | report.standard_roles}
    if missing:
        report.problems.append(f"structure roles missing from the tag tree: {sorted(missing)}")
    verapdf = _verapdf_command()
    if verapdf is not None:
        report.validator = "pikepdf+veraPDF"
        report.problems.extend(_verapdf_problems(verapdf, data))
    return report


def problems(data: bytes, expected_roles: Iterable[str] = ()) -> list[str]:
    """Only the problems of `check_pdf` (an empty list means no problem found)."""
    return check_pdf(data, expected_roles).problems


def structure_roles(data: bytes) -> set[str]:
    """The structure roles in the tag tree (as written and as mapped to standard roles)."""
    report = check_pdf(data)
    return report.roles | report.standard_roles


# ---- Metadata and catalogue ------------------------------------------------------------------


def _check_metadata(pdf: pikepdf.Pdf, report: PdfReport) -> None:
    if "/Metadata" not in pdf.Root:
        report.problems.append("no XMP metadata stream in the catalogue")
        return
    meta = pdf.open_metadata()
    expected = {"pdfaid:part": "2", "pdfaid:conformance": "A", "pdfuaid:part": "1"}
    for key, value in expected.items():
        found = meta.get(key)
        if found is None or str(found).strip() != value:
            report.problems.append(f"XMP {key} is {found!r}, expected {value!r}")
    title = meta.get("dc:title")
    report.title = str(title) if title else None
    if not report.title or not report.title.strip():
        report.problems.append("no document title in XMP dc:title")


def _check_catalogue(pdf: pikepdf.Pdf, report: PdfReport) -> None:
    root = pdf.Root
    prefs = root.get("/ViewerPreferences")
    if not isinstance(prefs, Dictionary) or prefs.get("/DisplayDocTitle") is not True:
        report.problems.append("ViewerPreferences/DisplayDocTitle is not true")
    lang = root.get("/Lang")
    report.language = str(lang) if lang is not None else None
    if not report.language:
        report.problems.append("no /Lang in the catalogue")
    mark_info = root.get("/MarkInfo")
    if not isinstance(mark_info, Dictionary) or mark_info.get("/Marked") is not True:
        report.problems.append("MarkInfo/Marked is not true (not a tagged PDF)")


# ---- Tag tree --------------------------------------------------------------------------------


def _check_structure(pdf: pikepdf.Pdf, report: PdfReport) -> None:
    tree = pdf.Root.get("/StructTreeRoot")
    if not isinstance(tree, Dictionary):
        report.problems.append("no StructTreeRoot (no tag tree)")
        return
    role_map: dict[str, str] = {}
    raw_map = tree.get("/RoleMap")
    if isinstance(raw_map, Dictionary):
        role_map = {str(k)[1:]: str(v)[1:] for k, v in raw_map.items()}
    figures_without_alt = 0
    for element in _struct_elements(tree):
        role = str(element.S)[1:]
        report.roles.add(role)
        report.standard_roles.add(_resolve(role, role_map))
        standard = _resolve(role, role_map)
        if standard in {"H", "H1", "H2", "H3", "H4", "H5", "H6"}:
            report.headings.append((standard, str(element.get("/T", ""))))
        if standard == "Figure" and "/Alt" not in element and "/ActualText" not in element:
            figures_without_alt += 1
    if not report.roles:
        report.problems.append("the tag tree is empty")
    if figures_without_alt:
        report.problems.append(f"{figures_without_alt} Figure element(s) without /Alt text")
    if "Table" in report.standard_roles and "TR" not in report.standard_roles:
        report.problems.append("a Table without TR rows")


def _resolve(role: str, role_map: dict[str, str]) -> str:
    seen = {role}
    while role in role_map and role_map[role] not in seen:
        role = role_map[role]
        seen.add(role)
    return role


def _struct_elements(node: Dictionary) -> Iterator[Dictionary]:
    """Structure elements below `node`, depth first, in document order."""
    stack: list[object] = [node.get("/K")]
    seen: set[tuple[int, int]] = set()
    while stack:
        item = stack.pop()
        if item is None:
            continue
        if isinstance(item, Array):
            stack.extend(reversed(list(item)))
            continue
        if not isinstance(item, Dictionary):
            continue  # a marked-content id (integer)
        if item.is_indirect:
            if item.objgen in seen:
                continue
            seen.add(item.objgen)
        if item.get("/Type") in (Name.MCR, Name.OBJR):
            continue
        if "/S" in item:
            yield item
        stack.append(item.get("/K"))


# ---- Fonts, output intent, scripts -----------------------------------------------------------


def _all_dicts(pdf: pikepdf.Pdf) -> Iterator[Dictionary]:
    for obj in pdf.objects:
        if isinstance(obj, Dictionary):
            yield obj
        elif isinstance(obj, Stream):
            yield obj.stream_dict


def _check_fonts(pdf: pikepdf.Pdf, report: PdfReport) -> None:
    fonts = [d for d in _all_dicts(pdf) if d.get("/Type") == Name.Font]
    for font in list(fonts):
        if font.get("/Subtype") == Name.Type0:
            descendants = font.get("/DescendantFonts")
            if not isinstance(descendants, Array) or len(descendants) == 0:
                name = font.get("/BaseFont", "?")
                report.problems.append(f"Type0 font {name} has no descendant font")
                continue
            # Usually indirect objects with /Type /Font, already in the list; checking one
            # twice does no harm.
            fonts.extend(d for d in descendants if isinstance(d, Dictionary))
    for font in fonts:
        subtype = font.get("/Subtype")
        name = str(font.get("/BaseFont", font.get("/Name", "?")))
        if subtype in (Name.Type0, Name.Type3):
            continue  # Type0: its descendants hold the glyphs; Type3: drawn by content streams
        descriptor = font.get("/FontDescriptor")
        if not isinstance(descriptor, Dictionary):
            report.problems.append(f"font {name} has no FontDescriptor")
            continue
        if not any(key in descriptor for key in _FONT_FILES):
            report.problems.append(f"font {name} is not embedded")


def _check_output_intent(pdf: pikepdf.Pdf, report: PdfReport) -> None:
    intents = pdf.Root.get("/OutputIntents")
    if not isinstance(intents, Array) or len(intents) == 0:
        report.problems.append("no OutputIntents")
        return
    pdfa = [i for i in intents if isinstance(i, Dictionary) and i.get("/S") == Name.GTS_PDFA1]
    if not pdfa:
        report.problems.append("no OutputIntent with /S /GTS_PDFA1")
        return
    profile = pdfa[0].get("/DestOutputProfile")
    if not isinstance(profile, Stream):
        report.problems.append("the PDF/A OutputIntent has no embedded DestOutputProfile")
        return
    icc = profile.read_bytes()
    if len(icc) < 128 or icc[36:40] != b"acsp":
        report.problems.append("the DestOutputProfile is not an ICC profile")


def _check_javascript(pdf: pikepdf.Pdf, report: PdfReport) -> None:
    names = pdf.Root.get("/Names")
    if isinstance(names, Dictionary) and "/JavaScript" in names:
        report.problems.append("the catalogue's name tree has JavaScript")
    for d in _all_dicts(pdf):
        if d.get("/S") == Name.JavaScript or "/JS" in d:
            report.problems.append("the PDF contains a JavaScript action")
            return


# ---- veraPDF, when installed -----------------------------------------------------------------


def _verapdf_command() -> str | None:
    configured = os.environ.get("VERAPDF")
    if configured:
        return configured if Path(configured).exists() else shutil.which(configured)
    return shutil.which("verapdf")


def _verapdf_problems(command: str, data: bytes) -> list[str]:
    found: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "letter.pdf"
        path.write_bytes(data)
        for flavour in ("2a", "ua1"):
            try:
                run = subprocess.run(
                    [command, "--flavour", flavour, "--format", "xml", str(path)],
                    capture_output=True,
                    text=True,
                    timeout=300,
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                found.append(f"veraPDF {flavour} could not run: {exc}")
                continue
            found.extend(_parse_verapdf(flavour, run.stdout, run.stderr))
    return found


def _parse_verapdf(flavour: str, stdout: str, stderr: str) -> list[str]:
    try:
        root = ET.fromstring(stdout)
    except ET.ParseError:
        return [f"veraPDF {flavour}: unreadable report: {(stderr or stdout)[:500]}"]
    reports = [e for e in root.iter() if e.tag.endswith("validationReport")]
    if not reports:
        return [f"veraPDF {flavour}: no validation report: {(stderr or stdout)[:500]}"]
    found: list[str] = []
    for rep in reports:
        if rep.get("isCompliant") == "true":
            continue
        failed = [
            rule
            for rule in rep.iter()
            if rule.tag.endswith("rule") and rule.get("status") == "failed"
        ]
        if not failed:
            found.append(f"veraPDF {flavour}: not compliant")
        for rule in failed:
            description = next(
                (c.text for c in rule if c.tag.endswith("description") and c.text), ""
            )
            found.append(
                f"veraPDF {flavour}: clause {rule.get('clause')} test {rule.get('testNumber')}: "
                f"{description.strip()}"
            )
    return found
