"""Languages by name: "Spanish" is ``es``, ``pt-BR`` reads "Brazilian Portuguese".

Names come from the Unicode CLDR data shipped with Babel, in a language (``lang``, "en"
by default: "español" and "स्पेनिश" for ``es`` in Spanish and Hindi). A patient may type
a name (in English or in ``lang``) or a BCP 47 tag; tags are what is stored and queried.
"""

from __future__ import annotations

from functools import cache

from babel import Locale, UnknownLocaleError

from telesecond.domain.folding import fold, rank_folded
from telesecond.domain.tags import normalize_language

UNKNOWN = (
    "We do not know the language “{text}”. Type its English name, such as Spanish, "
    "or a code such as es or pt-BR."
)


class UnknownLanguage(ValueError):
    """No language goes by ``text``."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(UNKNOWN.format(text=text))


@cache
def _english() -> Locale:
    return Locale("en")


@cache
def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang)
    except (ValueError, UnknownLocaleError):
        return _english()


@cache
def _names(lang: str = "en") -> dict[str, str]:
    """BCP 47 tag (``pt-BR``) to its name in ``lang`` (English where CLDR has none)."""
    english = {code.replace("_", "-"): name for code, name in _english().languages.items()}
    if lang == "en":
        return english
    own = {code.replace("_", "-"): name for code, name in _locale(lang).languages.items()}
    return {tag: own.get(tag, name) for tag, name in english.items()}


@cache
def _by_name(lang: str = "en") -> dict[str, str]:
    """Folded name (English, then ``lang``) to tag; the first tag wins when two share one."""
    found: dict[str, str] = {}
    for each in dict.fromkeys(("en", lang)):
        for tag, name in _names(each).items():
            found.setdefault(fold(name), tag)
    return found


@cache
def _entries(lang: str = "en") -> tuple[tuple[str, str, str], ...]:
    """(folded name, name, tag) for suggestions: languages, not regional variants.

    "Spanish" (``es``) finds every Spanish speaker, ``es-419`` among them; offering "Latin
    American Spanish" would quietly leave out those who only said ``es``.
    """
    return tuple(
        sorted((fold(name), name, tag) for tag, name in _names(lang).items() if "-" not in tag)
    )


def _known(tag: str) -> bool:
    base = tag.split("-", 1)[0].lower()
    return base in _english().languages


def resolve(text: str, lang: str = "en") -> str:
    """The BCP 47 tag a patient means by ``text`` (a name or a tag); ValueError otherwise.

    A tag whose language Babel knows wins (``es``); then an English name ("Spanish");
    then any well-formed tag (kept as before, so ``language=xx`` still finds nobody).
    """
    try:
        _key, label = normalize_language(text)
    except ValueError:
        label = None
    if label and _known(label):
        return label
    tag = _by_name(lang).get(fold(text))
    if tag:
        return normalize_language(tag)[1]
    if label:
        return label
    raise UnknownLanguage(" ".join(text.split())[:40])


def name(tag: str, lang: str = "en") -> str:
    """The name in ``lang`` of a BCP 47 tag (``en-GB`` → "British English"), else the tag."""
    names = _names(lang)
    if tag in names:
        return names[tag]
    try:
        locale = Locale.parse(tag, sep="-")
    except (ValueError, UnknownLocaleError):
        return names.get(tag.split("-", 1)[0].lower(), tag)
    return locale.get_display_name(_locale(lang)) or tag


def suggest(query: str, limit: int, lang: str = "en") -> list[tuple[str, str]]:
    """(name, tag) of the languages whose name has words beginning with ``query``'s words."""
    folded = fold(query)
    ranked = []
    for text, label, tag in _entries(lang):
        score = rank_folded(folded, text)
        if score is not None:
            ranked.append((score, text, label, tag))
    ranked.sort()
    return [(label, tag) for _, _, label, tag in ranked[:limit]]
