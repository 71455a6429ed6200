"""Form validation results shown the way people understand them.

A page checks its form itself and collects `FormErrors`: one message per field, in the page's
language and in the question's own words ("Skriv inntekten som et helt tall i kroner"). The
template shows them twice, as the error summary at the top (each item a link to its field)
and next to the field. Errors the services raise (`InvalidInput`, naming a field of the API)
are mapped onto the form's fields by `from_service_error`, so nothing is lost if a page's own
checks miss something.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from starlette.datastructures import FormData, UploadFile

from trygd.services import files as file_checks
from trygd.services.errors import ServiceError
from trygd.web.i18n import N_, Translator

# A date that has the right form but is not in the calendar (31.02.2026): saying "write a
# valid date" leaves the person looking for a typing error, so it gets its own message.
DATE_DOES_NOT_EXIST = N_("The date does not exist. Check the day and the month.")
# "-5000" is not a typing slip of the same kind as "5000kr": say what is wrong with it.
NEGATIVE_AMOUNT = N_("The amount cannot be negative. Write 0 if you have earned nothing.")
MINUS_SIGNS = ("-", "\u2212")
# The problems of `trygd.services.files`, in the words of the pages (documents of an
# application and attachments of a klage alike).
FILE_PROBLEMS = {
    file_checks.NOT_ACCEPTED: N_("The file must be a PDF, PNG or JPEG file"),
    file_checks.TOO_LARGE: N_("The file must be 5 MB or smaller"),
    file_checks.EMPTY: N_("The file is empty. Choose another file"),
}

# The services' words about free text (`trygd.services.free_text`), in the page's language.
_TEXT_PROBLEMS = [
    (re.compile(r"must be at most (\d+) characters"), N_("Write at most %(count)s characters")),
    (
        re.compile(r"must be a text of at least (\d+) characters"),
        N_("Write at least %(count)s characters"),
    ),
    (
        re.compile(r"must contain visible characters"),
        N_("Write it in letters or digits: blanks and invisible characters alone say nothing"),
    ),
]


def problem_text(problem: str, t: Translator | None) -> str:
    """A service's problem with a field, in the page's language where it is about free text
    (too long, too short, nothing visible); other problems as the service wrote them."""
    if t is None:
        return problem
    for pattern, message in _TEXT_PROBLEMS:
        found = pattern.fullmatch(problem)
        if found:
            return (
                t.gettext(message, count=int(found.group(1)))
                if found.groups()
                else t.gettext(message)
            )
    return problem


@dataclass
class FormErrors:
    """Field id → message, in the order the fields appear on the page."""

    messages: dict[str, str] = field(default_factory=dict)

    def add(self, field_id: str, message: str) -> None:
        self.messages.setdefault(field_id, message)

    def get(self, field_id: str) -> str | None:
        return self.messages.get(field_id)

    def __bool__(self) -> bool:
        return bool(self.messages)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.messages.items())

    def __len__(self) -> int:
        return len(self.messages)


def from_service_error(
    error: ServiceError,
    fields: Mapping[str, str],
    fallback_field: str,
    fallback_message: str,
    t: Translator | None = None,
) -> FormErrors:
    """Map a service error's problems onto form fields (`fields`: API field → form field id);
    a problem with no matching field is shown on `fallback_field` with its own text."""
    errors = FormErrors()
    for api_field, raw in error.problems or []:
        problem = problem_text(raw, t)
        form_field = fields.get(api_field)
        if form_field is None:
            errors.add(fallback_field, f"{fallback_message} ({api_field}: {problem})")
        else:
            errors.add(form_field, problem)
    if not errors:
        errors.add(fallback_field, f"{fallback_message} ({error.detail})")
    return errors


def text(form: FormData, name: str) -> str:
    """A text field, stripped; "" when absent or when a file came instead."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def files(form: FormData, name: str) -> list[UploadFile]:
    return [
        value
        for value in form.getlist(name)
        if isinstance(value, UploadFile) and value.filename  # an empty file input sends ""
    ]


def read_date(raw: str) -> tuple[dt.date | None, str | None]:
    """A date typed as dd.mm.yyyy: (the date, None), or (None, "form") when it is not
    written that way, or (None, "calendar") when it is but no such day exists."""
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", raw.strip())
    if not match:
        return None, "form"
    try:
        return dt.date(int(match[3]), int(match[2]), int(match[1])), None
    except ValueError:
        return None, "calendar"


def is_negative_number(raw: str) -> bool:
    """True for "-5000", "− 5 000" and the like: a number with a minus sign in front."""
    value = raw.strip().replace(" ", "").replace("\u00a0", "")
    return (
        value.startswith(MINUS_SIGNS) and value[1:].replace(",", ".").replace(".", "", 1).isdigit()
    )


def file_reason(tr: Translator, filename: str, problem: str) -> str:
    """A file check's problem (`trygd.services.files`) in the person's words. A file whose
    name promises a PDF (a .txt renamed .pdf) is told so: "it must be a PDF" would leave them
    sure it already is one."""
    if problem == file_checks.NOT_ACCEPTED and filename.lower().endswith(".pdf"):
        return tr.gettext(
            "The file is not a PDF, even though its name ends in .pdf. Save or export it as "
            "PDF from the program you made it with, and try again."
        )
    message = FILE_PROBLEMS.get(problem)
    return tr.gettext(message) if message else problem


def file_problem(tr: Translator, filename: str, problem: str) -> str:
    """A file check's problem (`trygd.services.files`) shown next to the file's name."""
    return tr.gettext(
        "%(file)s: %(problem)s", file=filename, problem=file_reason(tr, filename, problem)
    )
