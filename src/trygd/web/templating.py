"""Rendering a page: one Jinja2 environment, the caller's language, and the common context.

Every page gets `lang`, `t` (a `Translator` for text built in code), `user` (the signed-in
actor or None), `csrf_token`, `icon(name)` (an Aksel icon), the formatting helpers `date`,
`kroner`, `number`, `percent` and `file_size` in the page's language (all through
`trygd.rules.formatting`, which formats with Babel in the page's locale, so a number reads
the same on every page and in every letter), `who(actor_id, name)` for who did something,
and `lang_url(code)` for the language menu.
Legal values come from the rules, never from a template or a catalogue: `legal_basis(name)`
prints a basis from `rules/legal_bases.toml`, `parameter(name)` the value of a parameter in
force today (`parameter(name, on=day)` for another day), for a placeholder such as
`%(days)s`.
Templates translate with `{{ _("Text with %(name)s", name=value) }}` or `{% trans %}`.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any
from urllib.parse import urlencode

from babel.units import format_unit
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from trygd.rules import formatting
from trygd.rules.assessment import default_ruleset
from trygd.web import assets
from trygd.web.i18n import (
    DEFAULT_LANGUAGE,
    HTML_LANG,
    LANGUAGE_NAMES,
    LANGUAGES,
    Language,
    as_language,
    translations,
    translator,
)
from trygd.web.session import (
    CSRF_COOKIE,
    cookie_secure,
    csrf_token,
    optional_context,
    renew_session,
)

LANGUAGE_COOKIE = "trygd_lang"
ONE_YEAR = 365 * 24 * 3600


@pass_context
def _gettext(context: Context, message: str) -> str:
    return translations(context.get("lang", DEFAULT_LANGUAGE)).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return translations(context.get("lang", DEFAULT_LANGUAGE)).ngettext(singular, plural, n)


def _as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value)
    try:
        return (
            dt.datetime.fromisoformat(text).date() if "T" in text else dt.date.fromisoformat(text)
        )
    except ValueError:
        return None


def _as_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def legal_basis(name: str) -> str:
    """A legal basis from the registry (`rules/legal_bases.toml`), as pages print it."""
    return default_ruleset().parameters.legal_basis(name).text


def parameter(name: str, on: dt.date | None = None) -> float:
    """The value of a parameter in force on `on` (today if not given), for a page's text."""
    return default_ruleset().parameters[name].value_at(on or dt.date.today()).value


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("trygd.web", "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["icon"] = assets.icon
    env.globals["LANGUAGES"] = LANGUAGES
    env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    env.globals["legal_basis"] = legal_basis
    env.globals["parameter"] = parameter
    return env


def request_language(request: Request) -> Language:
    """?lang= first (and remembered), then the cookie, then the browser's wish, then nb."""
    chosen = as_language(request.query_params.get("lang")) or as_language(
        request.cookies.get(LANGUAGE_COOKIE)
    )
    if chosen:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()
        if code in ("nn", "nn-no"):
            return "nn"
        if code in ("nb", "nb-no", "no", "no-no"):
            return "nb"
        if code.startswith("en"):
            return "en"
    return DEFAULT_LANGUAGE


def _lang_url(request: Request, code: str) -> str:
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    query.append(("lang", code))
    return request.url.path + "?" + urlencode(query)


def page_context(request: Request, **values: Any) -> dict[str, Any]:
    language = request_language(request)
    context = optional_context(request)
    return {
        "request": request,
        "lang": language,
        "html_lang": HTML_LANG[language],
        "t": translator(language),
        "user": context.actor if context else None,
        "csrf_token": csrf_token(request),
        "lang_url": lambda code: _lang_url(request, code),
        "date": lambda value: _format_date(value, language),
        "weekday_date": lambda value: _format_weekday_date(value, language),
        "datetime": lambda value: _format_datetime(value, language),
        "kroner": lambda value: formatting.kroner(float(value), language),
        "kroner_ore": lambda ore: formatting.kroner_from_ore(int(ore), language),
        "number": lambda value, decimals=None: formatting.number(float(value), language, decimals),
        "file_size": lambda size: file_size(int(size), language),
        "percent": lambda ratio: formatting.percent(float(ratio), language),
        "answer": lambda kind, value: _format_answer(kind, value, language),
        "who": lambda actor_id, name=None: actor_label(actor_id, name, language),
        "styled": assets.vendor_file("aksel.css") is not None,
        **values,
    }


def file_size(size: int, language: str) -> str:
    """A file's size the way people read it in their language: "350 kB", "1,2 MB" (counted
    in 1024s, as file managers and the 5 MB limit do), never broken between number and unit."""
    if size < 1024:
        text = format_unit(size, "digital-byte", length="short", locale=language)
    elif size < 1024 * 1024:
        kilobytes = max(1, round(size / 1024))
        text = format_unit(kilobytes, "digital-kilobyte", length="short", locale=language)
    else:
        megabytes = round(size / (1024 * 1024), 1)
        text = format_unit(
            megabytes, "digital-megabyte", length="short", locale=language, format="#,##0.#"
        )
    return text.replace(" ", "\u00a0")


SYSTEM_ACTOR_PREFIX = "system:"


def actor_label(actor_id: str | None, name: str | None, language: str) -> str:
    """Who did something, as a person reads it: the employee's or person's name, and NAV's
    own background work (the job worker) as "NAV (automatisk)" rather than its internal name."""
    if actor_id and actor_id.startswith(SYSTEM_ACTOR_PREFIX):
        return translations(language).gettext("NAV (automatic)")
    return name or actor_id or "–"


def _format_answer(kind: str, value: Any, language: str) -> str:
    """A number the person gave (kept as they typed it, "320000" or "37.5") as the page's
    language writes it: "320 000 kr", "50 %", "37,5"; anything else as it is."""
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        return str(value)
    if kind == "money":
        return formatting.kroner(number, language)
    if kind == "percent":
        return formatting.percent(number / 100, language)
    if kind in ("hours", "whole"):
        return formatting.number(number, language)
    return str(value)


def _format_date(value: Any, language: str) -> str:
    day = _as_date(value)
    return formatting.date(day, language) if day else ""


def _format_weekday_date(value: Any, language: str) -> str:
    day = _as_date(value)
    return formatting.weekday_date(day, language) if day else ""


def _format_datetime(value: Any, language: str) -> str:
    moment = _as_datetime(value)
    if moment is None:
        return ""
    local = moment.astimezone() if moment.tzinfo else moment
    return f"{formatting.date(local.date(), language)} {local:%H:%M}"


def render(
    request: Request,
    template: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **values: Any,
) -> HTMLResponse:
    """The page `template` with the common context and `values`, as an HTML response."""
    context = page_context(request, status_code=status_code, **values)
    html = environment().get_template(template).render(context)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    finish(request, response, context["lang"])
    return response


def finish(request: Request, response: Any, language: Language | None = None) -> None:
    """Set the cookies a page needs: a renewed sign-in, a new CSRF value, and the language
    chosen by ?lang=."""
    renew_session(request, response)
    new_csrf = getattr(request.state, "new_csrf", None)
    if new_csrf:
        response.set_cookie(
            CSRF_COOKIE,
            new_csrf,
            httponly=True,
            samesite="lax",
            secure=cookie_secure(request),
            path="/",
        )
    chosen = as_language(request.query_params.get("lang"))
    if chosen and chosen != request.cookies.get(LANGUAGE_COOKIE):
        response.set_cookie(
            LANGUAGE_COOKIE, chosen, max_age=ONE_YEAR, samesite="lax", path="/", httponly=True
        )
    if language:
        response.headers["content-language"] = HTML_LANG[language]
