"""ICD-10 diagnosis codes as a specialist types them for a receipt: read, check, tidy.

Pure. A code is a letter, a digit, a digit or letter, then optionally a dot and one to
four digits or letters: the WHO's ICD-10 (``E11.9``) and the US ICD-10-CM (``C50.911``,
``S52.521A``) alike. Codes may be typed in lower case, without the dot, and separated by
commas, semicolons or spaces; each is kept once, upper-case and dotted, in the order given.
Whether a code exists in the classification is not checked: only its form.
"""

from __future__ import annotations

import re

MAX_CODES = 12  # as many as a claim form holds
MAX_TEXT = 300

_CODE = re.compile(r"([A-Z][0-9][0-9A-Z])\.?([0-9A-Z]{1,4})?")
_SEPARATORS = re.compile(r"[\s,;]+")


class NotACode(ValueError):
    """A word that is not in ICD-10 form; ``word`` is it, upper-cased and cut short."""

    def __init__(self, word: str) -> None:
        super().__init__(f"{word!r} is not an ICD-10 code")
        self.word = word


class TooMany(ValueError):
    """More than a receipt holds: ``what`` (``characters`` or ``codes``) over ``limit``."""

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(f"at most {limit} {what}")
        self.what = what
        self.limit = limit


def tidy(word: str) -> str:
    """One code in its usual form (``c50911`` → ``C50.911``); NotACode otherwise."""
    word = word.strip().upper()
    match = _CODE.fullmatch(word)
    # "C50." has a dot and nothing after it: a slip, not a three-character code.
    if match is None or (match[2] is None and len(word) > 3):
        raise NotACode(word[:20])
    return f"{match[1]}.{match[2]}" if match[2] else match[1]


def parse(text: str | None) -> tuple[str, ...]:
    """The codes in ``text``, each once, tidied; NotACode names the first bad one."""
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise TooMany("characters", MAX_TEXT)
    codes: list[str] = []
    for word in _SEPARATORS.split(text):
        if word:
            code = tidy(word)
            if code not in codes:
                codes.append(code)
    if len(codes) > MAX_CODES:
        raise TooMany("codes", MAX_CODES)
    return tuple(codes)
