"""Numbers, amounts and dates written the way a reader of each language expects.

Bokmål and nynorsk write "195 240 kr", "1,5 G", "50 %" and "1. mai 2025"; English writes
"NOK 195,240", "1.5 G", "50%" and "1 May 2025". Templates name a format after the value:
`{income_12m:kr}`, `{factor:num}`, `{share:pct}`, `{birth_date:date}`, `{weeks:int}`.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

LANGUAGES = ("nb", "nn", "en")

_NORWEGIAN_MONTHS = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
]
_ENGLISH_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTHS = {"nb": _NORWEGIAN_MONTHS, "nn": _NORWEGIAN_MONTHS, "en": _ENGLISH_MONTHS}
_NBSP = "\u00a0"


def _group(integer_part: str, separator: str) -> str:
    digits = integer_part.lstrip("-")
    groups: list[str] = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    sign = "-" if integer_part.startswith("-") else ""
    return sign + separator.join(groups)


def _numeric(value: Any) -> float:
    """The value as a float, refusing what is not a number: a date or a text formatted as
    money would otherwise turn up on a page as nonsense (or a failed page)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    return float(value)


def number(value: float, language: str, decimals: int | None = None) -> str:
    """A number with thousands grouped; decimals only where the value has them."""
    value = _numeric(value)
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 2
    text = f"{float(value):.{decimals}f}"
    integer_part, _, fraction = text.partition(".")
    if language == "en":
        grouped = _group(integer_part, ",")
        return f"{grouped}.{fraction}" if fraction else grouped
    grouped = _group(integer_part, _NBSP)
    return f"{grouped},{fraction}" if fraction else grouped


def factor(value: float, language: str) -> str:
    """A factor such as 1.5 or 0.0024, with no more decimals than it has."""
    text = f"{_numeric(value):.6f}".rstrip("0").rstrip(".")
    return text if language == "en" else text.replace(".", ",")


def kroner(value: float, language: str) -> str:
    if language == "en":
        return f"NOK{_NBSP}{number(value, language)}"
    return f"{number(value, language)}{_NBSP}kr"


def percent(ratio: float, language: str) -> str:
    text = factor(round(_numeric(ratio) * 100, 4), language)
    return f"{text}%" if language == "en" else f"{text}{_NBSP}%"


_WEEKS = {"nb": ("uke", "uker"), "nn": ("veke", "veker"), "en": ("week", "weeks")}


def weeks(value: float, language: str) -> str:
    one, many = _WEEKS[language]
    return f"{number(value, language)}{_NBSP}{one if value == 1 else many}"


def amount(value: Any, kind: str, language: str) -> str:
    """A result of an assessment written as its kind says (see `AmountKind`); a date may
    come as an ISO text, as results are stored as JSON."""
    if kind == "date":
        return date(dt.date.fromisoformat(value) if isinstance(value, str) else value, language)
    if kind == "weeks":
        return weeks(value, language)
    if kind == "percent":
        return percent(_numeric(value) / 100, language)
    if kind == "money":
        return kroner(value, language)
    raise ValueError(f"unknown kind of amount: {kind}")


def date(value: dt.date, language: str) -> str:
    if not isinstance(value, dt.date):
        raise TypeError(f"expected a date, got {type(value).__name__}")
    month = _MONTHS[language][value.month - 1]
    if language == "en":
        return f"{value.day} {month} {value.year}"
    return f"{value.day}. {month} {value.year}"


class _TemplateFormatter(string.Formatter):
    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, np.generic):
            value = value.item()
        language = self.language
        if format_spec == "kr":
            return kroner(value, language)
        if format_spec == "num":
            return factor(value, language)
        if format_spec == "pct":
            return percent(value, language)
        if format_spec == "int":
            return number(round(value), language, 0)
        if format_spec == "date":
            return date(value, language)
        if isinstance(value, bool):
            return (
                {"nb": "ja", "nn": "ja", "en": "yes"}[language]
                if value
                else {
                    "nb": "nei",
                    "nn": "nei",
                    "en": "no",
                }[language]
            )
        return str(super().format_field(value, format_spec))


_FORMATTERS = {language: _TemplateFormatter(language) for language in LANGUAGES}


@lru_cache(maxsize=8192)
def _parsed(template: str) -> tuple[tuple[str, str | None, str | None, str | None], ...]:
    """A template split once into its literal text and fields: every explanation is filled
    from a few hundred templates, so parsing each of them again would be wasted work."""
    return tuple(string.Formatter().parse(template))


def render(template: str, values: Mapping[str, Any], language: str) -> str:
    """Fill a text template with values, formatted for the language (as `str.format_map`
    would, with the formats `kr`, `num`, `pct`, `int` and `date`)."""
    formatter = _FORMATTERS[language]
    parts: list[str] = []
    for literal, field, spec, conversion in _parsed(template):
        parts.append(literal)
        if field is None:
            continue
        if field.isidentifier():
            value = values[field]
        else:
            value, _ = formatter.get_field(field, (), values)
        if conversion:
            value = formatter.convert_field(value, conversion)
        if spec and "{" in spec:
            spec = render(spec, values, language)
        parts.append(formatter.format_field(value, spec or ""))
    return "".join(parts)
