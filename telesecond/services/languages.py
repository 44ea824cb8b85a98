"""The language a page or a message is written in.

A page speaks the language of its request (``web/languages.py`` chooses it). A message
speaks its recipient's: ``speaking(account)`` switches Flask-Babel to the account's
language for the block that renders it, in a request for someone else as in the reminder
process, which has no request at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from flask import current_app
from flask_babel import force_locale, get_locale

from telesecond.domain.languages import (
    TimePatterns,
    babel_name,
    parse_tag,
    shipped_tag,
    time_patterns,
)
from telesecond.models import Account


def shipped() -> tuple[str, ...]:
    """The language codes pages and messages come in (``LANGUAGES``)."""
    return tuple(current_app.config["LANGUAGES"])


def default_language() -> str:
    return str(current_app.config["DEFAULT_LANGUAGE"])


def language_of(account: Account) -> str:
    """The tag ``account`` reads: the one they chose, else the default language."""
    return (account.language and shipped_tag(account.language, shipped())) or default_language()


def babel_locale(tag: str) -> Locale:
    """Babel's locale for ``tag``; a region CLDR does not know falls back to the language."""
    try:
        return Locale.parse(babel_name(tag))
    except (UnknownLocaleError, ValueError):
        parsed = parse_tag(tag)
        return Locale.parse(parsed.language if parsed else babel_name(default_language()))


@contextmanager
def speaking(account: Account) -> Iterator[None]:
    """Render what the block renders in ``account``'s language (gettext, dates)."""
    with in_language(language_of(account)):
        yield


@contextmanager
def in_language(tag: str) -> Iterator[None]:
    """Render what the block renders in the language ``tag`` (gettext, dates)."""
    with force_locale(babel_locale(tag)):
        yield


def current_locale() -> Locale:
    """The locale in force: the page's, or the recipient's inside ``speaking``."""
    return get_locale() or babel_locale(default_language())


def current_tag() -> str:
    """The BCP 47 tag in force, for ``<html lang>``: ``es``, ``en-US``."""
    locale = current_locale()
    return "-".join(p for p in (locale.language, locale.script, locale.territory) if p)


def patterns() -> TimePatterns:
    locale = current_locale()
    return time_patterns(locale.language, locale.territory)


def format_local(instant: datetime, zone: ZoneInfo, pattern: str) -> str:
    """``instant`` on the wall clock of ``zone``, written with a CLDR ``pattern``."""
    return format_datetime(instant.astimezone(zone), pattern, locale=current_locale())


def format_day(day: date, pattern: str | None = None) -> str:
    return format_date(day, pattern or patterns().day, locale=current_locale())
