"""Pure normalisation of a specialist's searchable tags."""

from __future__ import annotations

import re

import phonenumbers

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?$")
_SUBDIVISION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
# ISO 3166-1 alpha-2 codes; phonenumbers knows every country that has a telephone plan.
_COUNTRIES = frozenset(phonenumbers.SUPPORTED_REGIONS)


def match_key(text: str) -> str:
    """The form tags are compared in: trimmed, inner spaces collapsed, casefolded."""
    return " ".join(text.split()).casefold()


def normalize_term(text: str) -> tuple[str, str]:
    """(match key, label) for a free-text specialty or condition; ValueError if empty."""
    label = " ".join(text.split())
    if not label:
        raise ValueError("Tags cannot be empty.")
    if len(label) > 120:
        raise ValueError("Keep each tag under 120 characters.")
    return label.casefold(), label


def normalize_language(text: str) -> tuple[str, str]:
    """(match key, canonical label) for a BCP 47 tag such as ``pt-BR``; ValueError otherwise."""
    tag = text.strip().replace("_", "-")
    if not _LANGUAGE.match(tag):
        raise ValueError(f"{text!r} is not a language tag such as en, es or pt-BR.")
    parts = tag.split("-")
    canonical = [parts[0].lower()]
    for part in parts[1:]:
        canonical.append(part.title() if len(part) == 4 else part.upper())
    label = "-".join(canonical)
    return label.lower(), label


def normalize_region(text: str) -> str:
    """An ISO 3166-1 alpha-2 (``DE``) or ISO 3166-2 (``US-CA``) code, upper case."""
    code = text.strip().upper()
    country = code.split("-", 1)[0]
    if country not in _COUNTRIES or not (len(code) == 2 or _SUBDIVISION.match(code)):
        # Said in words: the message is shown to people as it is.
        if not code:
            raise ValueError("Enter a country code such as DE, or a state code such as US-CA.")
        raise ValueError(f"“{text.strip()}” is not a country code (DE) or state code (US-CA).")
    return code


def normalize_currency(text: str) -> str:
    """An ISO 4217 code in upper case (``EUR``)."""
    code = text.strip().upper()
    if not _CURRENCY.match(code):
        raise ValueError("Use a three-letter currency code such as EUR or USD.")
    return code


def parse_hhmm(text: str, *, allow_24: bool = False) -> int:
    """Minutes after midnight for ``HH:MM``; ``24:00`` only when ``allow_24``."""
    match = re.fullmatch(r"(\d{2}):(\d{2})", text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError("Use HH:MM, for example 09:00.")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if allow_24 and (hours, minutes) == (24, 0):
        return 1440
    if hours > 23 or minutes > 59:
        raise ValueError("Use a time between 00:00 and 23:59" + (" or 24:00." if allow_24 else "."))
    return hours * 60 + minutes


def format_hhmm(minutes: int) -> str:
    """``HH:MM`` for minutes after midnight (1440 → ``24:00``)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
