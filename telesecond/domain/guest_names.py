"""What a guest's display name may hold: a person's name, nothing a reader could follow.

The patient types the name, and it appears in the email we send to an address the patient
also chose, so a name must not carry a link, a web or mail address, a phone number or
markup. Allowed: letters (any script) with their accents, spaces, and the punctuation of
names (``' ’ - .``). Refused besides: ``http``, ``www``, and ``word.word`` (a host name).
"""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 80
NAME_PUNCTUATION = frozenset(" '’-.")
_LINK_WORDS = re.compile(r"https?|hxxps?|www", re.IGNORECASE)
_HOST_LIKE = re.compile(r"[^\W_]\.[^\W\d_]{2,}")


def clean_name(raw: str) -> str:
    """The name with runs of white space made single spaces and NULs dropped."""
    return " ".join(raw.replace("\x00", "").split())


def name_problem(name: str) -> str | None:
    """Why ``name`` (cleaned) cannot be a guest's display name, or None if it can."""
    if not name or len(name) > MAX_LENGTH:
        return f"Enter the guest's name (up to {MAX_LENGTH} characters)."
    letters_only = all(
        ch.isalpha() or ch in NAME_PUNCTUATION or unicodedata.category(ch).startswith("M")
        for ch in name
    )
    if not letters_only or _LINK_WORDS.search(name) or _HOST_LIKE.search(name):
        return (
            "Enter only the guest's name: letters, spaces, hyphens and apostrophes, "
            "no links, addresses or numbers."
        )
    return None
