"""Which language a person reads, and how times are written in it.

- A language is a BCP 47 tag: a language (``es``), maybe a script (``sr-Latn``) and a
  region (``en-US``, ``es-419``). Tags are kept in their usual case: ``en-US``.
- The app ships a few languages (``LANGUAGES``). A tag is *shipped* when its language is
  one of them; the region stays, because it decides how times are written.
- A browser's preferences (Accept-Language, best first) choose the first shipped tag;
  ``*`` or nothing shipped means the default language.
- Times: 12-hour clock for US English, 24-hour everywhere else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_TAG = re.compile(r"^([A-Za-z]{2,3})(?:-([A-Za-z]{4}))?(?:-([A-Za-z]{2}|[0-9]{3}))?$")
# The longest tag stored (RFC 5646 4.4.1 asks for at least 35).
MAX_TAG_LENGTH = 35


@dataclass(frozen=True)
class Tag:
    """A language tag cut into its parts."""

    language: str
    script: str | None = None
    region: str | None = None

    def __str__(self) -> str:
        return "-".join(p for p in (self.language, self.script, self.region) if p)


def parse_tag(text: str) -> Tag | None:
    """The tag ``text`` names (``en_US`` and ``en-us`` read as ``en-US``), or None."""
    match = _TAG.match(text.strip().replace("_", "-")) if len(text) <= MAX_TAG_LENGTH else None
    if match is None:
        return None
    language, script, region = match.groups()
    return Tag(
        language.lower(), script.title() if script else None, region.upper() if region else None
    )


def shipped_tag(text: str, shipped: Iterable[str]) -> str | None:
    """``text`` as a stored tag if its language is shipped, else None."""
    tag = parse_tag(text)
    if tag is None or tag.language not in set(shipped):
        return None
    return str(tag)


def negotiate(preferences: Sequence[str], shipped: Sequence[str], default: str) -> str:
    """The first preference (best first) whose language is shipped; else ``default``."""
    for preference in preferences:
        if preference.strip() == "*":
            return default
        tag = shipped_tag(preference, shipped)
        if tag is not None:
            return tag
    return default


def babel_name(tag: str) -> str:
    """The tag as a Babel/gettext locale name: ``en-US`` becomes ``en_US``."""
    parsed = parse_tag(tag)
    return (
        "_".join(p for p in (parsed.language, parsed.script, parsed.region) if p) if parsed else tag
    )


def uses_12_hour_clock(language: str, region: str | None) -> bool:
    """US English writes 3:00 PM; every other language and region here writes 15:00."""
    return language == "en" and region == "US"


@dataclass(frozen=True)
class TimePatterns:
    """CLDR patterns for writing an instant (``long``: emails, ``short``: SMS, ``day``)."""

    long: str
    short: str
    day: str
    clock: str


def time_patterns(language: str, region: str | None) -> TimePatterns:
    """How instants are written for this language and region (names come from CLDR)."""
    clock = "h:mm a" if uses_12_hour_clock(language, region) else "HH:mm"
    if language == "en" and region == "US":
        return TimePatterns(
            f"EEE, MMM d, y, {clock}", f"EEE MMM d {clock}", "EEEE, MMMM d, y", clock
        )
    return TimePatterns(f"EEE d MMM y, {clock}", f"EEE d MMM {clock}", "EEEE d MMMM y", clock)


_STRFTIME = {
    "a": "EEE",
    "A": "EEEE",
    "d": "dd",
    "-d": "d",
    "e": "d",
    "b": "MMM",
    "B": "MMMM",
    "m": "MM",
    "Y": "y",
    "H": "HH",
    "M": "mm",
    "Z": "",
    "%": "%",
}


def cldr_pattern(strftime: str, twelve_hour: bool = False) -> str:
    """A ``strftime`` format as a CLDR pattern, so its names come out in the page's
    language; ``%H:%M`` becomes ``h:mm a`` on a 12-hour clock."""
    if twelve_hour:
        strftime = strftime.replace("%H:%M", "\0")
    out: list[str] = []
    literal = ""
    i = 0
    while i < len(strftime):
        char = strftime[i]
        if char == "%" and i + 1 < len(strftime):
            key = strftime[i + 1 : i + 3] if strftime[i + 1] == "-" else strftime[i + 1]
            if key in _STRFTIME:
                if literal:
                    out.append(_quote(literal))
                    literal = ""
                out.append(_STRFTIME[key])
                i += 1 + len(key)
                continue
        if char == "\0":
            if literal:
                out.append(_quote(literal))
                literal = ""
            out.append("h:mm a")
        else:
            literal += char
        i += 1
    if literal:
        out.append(_quote(literal))
    return "".join(out)


def _quote(text: str) -> str:
    """Literal text in a CLDR pattern: letters go inside quotes."""
    if not any(c.isalpha() or c == "'" for c in text):
        return text
    return "'" + text.replace("'", "''") + "'"
