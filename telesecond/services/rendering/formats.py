"""Dates, times and amounts as a reader of a given language expects them (Babel's CLDR).

An unknown or unsupported language falls back to English rather than failing: the
document still renders, with the dates in English. Times always name their zone.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.numbers import format_currency, get_currency_precision

FALLBACK = "en"


def locale_of(language: str) -> Locale:
    """The Babel locale of a BCP 47 tag (``pt-BR``), English when Babel has none."""
    try:
        return Locale.parse(language, sep="-")
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(language.split("-")[0])
        except (UnknownLocaleError, ValueError):
            return Locale.parse(FALLBACK)


def long_date(day: date, language: str) -> str:
    """A date written out (``5 December 2026``, ``5 décembre 2026``)."""
    return format_date(day, "long", locale=locale_of(language))


def date_in_zone(instant: datetime, zone: str, language: str) -> str:
    """The date of an instant in ``zone``, written out."""
    return long_date(instant.astimezone(ZoneInfo(zone)).date(), language)


def date_time(instant: datetime, zone: str, language: str) -> str:
    """An instant's date and time in ``zone``, the zone named (``…, 10:00 (Europe/Paris, CET)``)."""
    local = instant.astimezone(ZoneInfo(zone))
    locale = locale_of(language)
    abbreviation = local.strftime("%Z")
    named = zone if abbreviation in (zone, "") else f"{zone}, {abbreviation}"
    day = format_date(local.date(), "full", locale=locale)
    clock = format_time(local.time(), "short", locale=locale)
    return f"{day}, {clock} ({named})"


def money(minor: int, currency: str, language: str) -> str:
    """An amount in minor units (cents) shown with its currency (``€45.00``, ``45,00 €``)."""
    value = Decimal(minor).scaleb(-get_currency_precision(currency))
    return format_currency(value, currency, locale=locale_of(language))
