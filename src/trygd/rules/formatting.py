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
from babel.numbers import NumberPattern, parse_pattern

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
# Explanations repeat the same few numbers (G, the thresholds), so a formatted number is
# kept; an assessment formats dozens of them.
_CACHE = 8192


def _decimal(value: float, places: int) -> Decimal:
    """`value` rounded half up to at most `places` decimals, trailing zeros dropped: amounts
    are floats, and 0.1 + 0.2 must print as 0,3, not 0,30000000000000004."""
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return rounded.normalize() if rounded != rounded.to_integral() else rounded.quantize(Decimal(1))


@lru_cache(maxsize=64)
def _pattern(kind: str, language: str, decimals: int | None = None) -> NumberPattern:
    """The locale's number pattern of `kind`, parsed once."""
    locale = _LOCALES[language]
    found: NumberPattern
    if kind == "decimal":
        found = locale.decimal_formats[None]
        return found
    if kind == "fixed":
        return parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))
    if kind == "factor":
        return parse_pattern("0.######")
    if kind == "percent":
        found = locale.percent_formats[None]
        return found
    # Kroner: the locale's currency pattern, without øre for a whole amount, and with CLDR's
    # currency spacing (a symbol made of letters, "NOK", stands apart from the digits).
    text = locale.currency_formats["standard"].pattern.split(";")[0]
    if kind == "kroner_whole":
        text = text.replace(".00", "")
    text = text.replace("¤#", "¤" + _NBSP + "#").replace("0¤", "0" + _NBSP + "¤")
    return parse_pattern(text.replace(" ¤", _NBSP + "¤"))


@lru_cache(maxsize=_CACHE)
def _number(value: float, language: str, decimals: int | None) -> str:
    locale = _LOCALES[language]
    if decimals is None:
        return str(
            _pattern("decimal", language).apply(
                _decimal(value, 2), locale, decimal_quantization=False
            )
        )
    return str(_pattern("fixed", language, decimals).apply(_decimal(value, decimals), locale))


def _numeric(value: Any) -> float:
    """The value as a float, refusing what is not a number: a date or a text formatted as
    money would otherwise turn up on a page as nonsense (or a failed page)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    return float(value)


def number(value: float, language: str, decimals: int | None = None) -> str:
    """A number with thousands grouped: "37,5", "320 000"; with `decimals`, exactly that
    many ("68 274,50"), otherwise at most two and only where the value has them."""
    return _number(_numeric(value), language, decimals)


@lru_cache(maxsize=_CACHE)
def _factor(value: float, language: str) -> str:
    return str(
        _pattern("factor", language).apply(
            _decimal(value, 6), _LOCALES[language], group_separator=False
        )
    )


def factor(value: float, language: str) -> str:
    """A factor such as 1.5 or 0.0024, with no more decimals than it has (up to six) and no
    grouping (a factor is never large; a year given as a factor must not read "2 024")."""
    return _factor(_numeric(value), language)


@lru_cache(maxsize=_CACHE)
def _kroner(value: float, language: str) -> str:
    whole = value.is_integer()
    pattern = _pattern("kroner_whole" if whole else "kroner", language)
    return str(
        pattern.apply(
            _decimal(value, 0 if whole else 2),
            _LOCALES[language],
            currency="NOK",
            currency_digits=False,
        )
    )


def kroner(value: float, language: str) -> str:
    """An amount in kroner in the locale's currency pattern ("195 240 kr", "NOK 195,240");
    øre only where the amount has them, and then always two digits ("68 274,50 kr")."""
    return _kroner(_numeric(value), language)


def kroner_from_ore(ore: int, language: str) -> str:
    """An amount held as whole øre (as payments are) written like `kroner`, exactly: the øre
    go through `Decimal`, never a float ("12 345 kr", "1 234,50 kr", "-300 kr")."""
    if isinstance(ore, bool) or not isinstance(ore, int | np.integer):
        raise TypeError(f"expected whole øre, got {type(ore).__name__}")
    ore = int(ore)
    whole = ore % 100 == 0
    amount = Decimal(ore // 100) if whole else Decimal(ore).scaleb(-2)
    pattern = _pattern("kroner_whole" if whole else "kroner", language)
    return str(pattern.apply(amount, _LOCALES[language], currency="NOK", currency_digits=False))


@lru_cache(maxsize=_CACHE)
def _percent(ratio: float, language: str) -> str:
    return str(
        _pattern("percent", language).apply(
            _decimal(ratio, 6), _LOCALES[language], decimal_quantization=False
        )
    )


def percent(ratio: float, language: str) -> str:
    """A share as the locale writes a percentage: "46,7 %" in Norwegian, "46.7%" in English."""
    return _percent(_numeric(ratio), language)


_WEEKS = {"nb": ("uke", "uker"), "nn": ("veke", "veker"), "en": ("week", "weeks")}


def weeks(value: float, language: str) -> str:
    one, many = _WEEKS[language]
    return f"{number(value, language)}{_NBSP}{one if value == 1 else many}"


_DAYS = {"nb": ("dag", "dager"), "nn": ("dag", "dagar"), "en": ("day", "days")}


def days(value: float, language: str) -> str:
    one, many = _DAYS[language]
    return f"{number(value, language)}{_NBSP}{one if value == 1 else many}"


def amount(value: Any, kind: str, language: str) -> str:
    """A result of an assessment written as its kind says (see `AmountKind`); a date may
    come as an ISO text, as results are stored as JSON."""
    if kind == "date":
        return date(dt.date.fromisoformat(value) if isinstance(value, str) else value, language)
    if kind == "weeks":
        return weeks(value, language)
    if kind == "days":
        return days(value, language)
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


_WEEKDAYS = {
    "nb": ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
    "nn": ("måndag", "tysdag", "onsdag", "torsdag", "fredag", "laurdag", "sundag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def weekday_date(value: dt.date, language: str) -> str:
    """The date with its day of the week ("mandag 16. november 2026"): a meldekort asks day by
    day, and people remember what they did on a Tuesday, not on the 17th."""
    return f"{_WEEKDAYS[language][value.weekday()]} {date(value, language)}"


def month(value: str, language: str) -> str:
    """A calendar month written "YYYY-MM" (as a-inntekt gives it) in words: "mars 2025",
    "March 2025"."""
    year, number = value.split("-")
    return f"{_MONTHS[language][int(number) - 1]} {int(year)}"


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
