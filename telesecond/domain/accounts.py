"""Pure checks and normalisation of account fields."""

from __future__ import annotations

import re
from functools import lru_cache
from zoneinfo import available_timezones

import phonenumbers

# No control characters (NUL above all: PostgreSQL refuses it in a query).
_EMAIL = re.compile(
    r"^[^@\s\x00-\x1f\x7f]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,63}$"
)


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def normalize_email(value: str) -> str | None:
    """The address in lower case, or None when it is not a plausible email address."""
    text = value.strip().lower()
    if len(text) > 254 or not _EMAIL.match(text):
        return None
    return text


def is_valid_timezone(name: str) -> bool:
    """Whether ``name`` is an IANA zone this machine knows (``Europe/Berlin``)."""
    return name in _zones()


def normalize_phone(value: str) -> str | None:
    """The number as E.164 (``+4915112345678``), or None when it is not a valid number.

    Numbers must be given in international form, since we cannot guess a country.
    """
    text = value.strip()
    if not text.startswith("+") or len(text) > 32:
        return None
    try:
        parsed = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(e164: str) -> bool:
    """Whether an E.164 number can receive SMS (mobile, or fixed-or-mobile)."""
    kind = phonenumbers.number_type(phonenumbers.parse(e164, None))
    return kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
