"""Numbers, amounts and dates written the way a reader of each language expects.

Bokmål and nynorsk write "195 240 kr", "1,5 G", "50 %" and "1. mai 2025"; English writes
"NOK 195,240", "1.5 G", "50%" and "1 May 2025". Templates name a format after the value:
`{income_12m:kr}`, `{factor:num}`, `{share:pct}`, `{birth_date:date}`, `{weeks:int}`.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

import numpy as np
from babel import Locale
from babel.numbers import format_currency, format_decimal, format_percent

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


# The locale each language formats numbers in (CLDR data through Babel): bokmål and nynorsk
# group with a no-break space and write a decimal comma; British English a comma and a point.
_LOCALES = {"nb": Locale.parse("nb_NO"), "nn": Locale.parse("nn_NO"), "en": Locale.parse("en_GB")}


def _decimal(value: float, places: int) -> Decimal:
    """`value` rounded half up to at most `places` decimals, trailing zeros dropped: amounts
    are floats, and 0.1 + 0.2 must print as 0,3, not 0,30000000000000004."""
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return rounded.normalize() if rounded != rounded.to_integral() else rounded.quantize(Decimal(1))


def number(value: float, language: str, decimals: int | None = None) -> str:
    """A number with thousands grouped: "37,5", "320 000"; with `decimals`, exactly that
    many ("68 274,50"), otherwise at most two and only where the value has them."""
    locale = _LOCALES[language]
    if decimals is None:
        return format_decimal(_decimal(value, 2), locale=locale, decimal_quantization=False)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(_decimal(value, decimals), format=pattern, locale=locale)


def factor(value: float, language: str) -> str:
    """A factor such as 1.5 or 0.0024, with no more decimals than it has (up to six) and no
    grouping (a factor is never large; a year given as a factor must not read "2 024")."""
    return format_decimal(
        _decimal(value, 6), format="0.######", locale=_LOCALES[language], group_separator=False
    )


def kroner(value: float, language: str) -> str:
    """An amount in kroner in the locale's currency pattern ("195 240 kr", "NOK 195,240");
    øre only where the amount has them, and then always two digits ("68 274,50 kr")."""
    locale = _LOCALES[language]
    whole = float(value).is_integer()
    pattern = locale.currency_formats["standard"].pattern.split(";")[0]
    if whole:
        pattern = pattern.replace(".00", "")
    # CLDR's currency spacing: a symbol made of letters ("NOK") stands apart from the digits.
    pattern = pattern.replace("¤#", "¤" + _NBSP + "#").replace("0¤", "0" + _NBSP + "¤")
    pattern = pattern.replace(" ¤", _NBSP + "¤").replace("\u00a0", _NBSP)
    return format_currency(
        _decimal(value, 0 if whole else 2),
        "NOK",
        format=pattern,
        locale=locale,
        currency_digits=False,
    )


def percent(ratio: float, language: str) -> str:
    """A share as the locale writes a percentage: "46,7 %" in Norwegian, "46.7%" in English."""
    return format_percent(
        _decimal(float(ratio), 6), locale=_LOCALES[language], decimal_quantization=False
    )


def date(value: dt.date, language: str) -> str:
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
