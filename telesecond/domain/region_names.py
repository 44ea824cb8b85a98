"""Places by name: "Germany" is ``DE``, "New York" is ``US-NY``, ``IN`` reads "India".

Country names come from the Unicode CLDR data shipped with Babel, with the ISO 3166-1
short and official names from pycountry as other spellings; subdivisions (states,
provinces …) from pycountry's ISO 3166-2 data. Codes are what is stored and queried.

Names are in a language (``lang``, "en" by default; CLDR's territory names and pycountry's
translations of subdivisions for "es" or "hi"); a name typed in English is always
understood too.

- A code is taken as it is (``DE``, ``us-ca``), as before.
- A name is read forgiving case and accents. A country's name means the country
  ("Georgia" is ``GE``; the US state is "Georgia (United States)"). A subdivision may be
  named with its country: "New York (United States)" or "New York, United States".
- A name shared by several subdivisions (Punjab) is refused with the choices.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import cache

import pycountry
from babel import Locale, UnknownLocaleError

from telesecond.domain.folding import fold, rank_folded
from telesecond.domain.tags import normalize_region

UNKNOWN = (
    "We do not know the place “{text}”. Type a country or a state, such as Germany or "
    "New York, or a code such as DE or US-NY."
)
SEVERAL = "“{text}” could be more than one place: {choices}. Type one of them."


class UnknownPlace(ValueError):
    """No place, or several, go by ``text``; ``choices`` names the several (in ``lang``)."""

    def __init__(self, text: str, choices: tuple[str, ...] = ()) -> None:
        self.text, self.choices = text, choices
        if choices:
            super().__init__(SEVERAL.format(text=text, choices=" or ".join(choices)))
        else:
            super().__init__(UNKNOWN.format(text=text))


_WITH_COUNTRY = re.compile(r"^(?P<place>.+?)\s*(?:\((?P<paren>[^()]+)\)|,(?P<comma>[^,]+))$")
# Other ways people write a few countries (folded).
_ALIASES = {"usa": "US", "uk": "GB", "great britain": "GB", "britain": "GB"}


@dataclass(frozen=True)
class Place:
    """A country or a subdivision, as listed in suggestions."""

    code: str
    label: str  # "Germany", "New York (United States)"
    folded: str  # its own name, folded: "new york"
    is_country: bool
    folded_label: str = ""  # with its country: "new york united states"


@cache
def _countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code to English name, for the codes the directory accepts."""
    found = {}
    for code, name in Locale("en").territories.items():
        if len(code) == 2 and code.isalpha():
            try:
                found[normalize_region(code)] = name
            except ValueError:
                continue  # EU, UN, QO … are not countries
    return found


@cache
def _countries_in(lang: str) -> dict[str, str]:
    """The same countries named in ``lang`` (English where CLDR has no name)."""
    english = _countries()
    if lang == "en":
        return english
    try:
        territories = Locale.parse(lang).territories
    except (ValueError, UnknownLocaleError):
        return english
    return {code: territories.get(code, name) for code, name in english.items()}


@cache
def _subdivision_names(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[lang], fallback=True)


@cache
def _country_by_name(lang: str = "en") -> dict[str, str]:
    found = dict(_ALIASES)
    countries = _countries()
    for row in pycountry.countries:
        if row.alpha_2 in countries:
            for spelling in (row.name, getattr(row, "official_name", None)):
                if spelling:
                    found.setdefault(fold(spelling), row.alpha_2)
            common = getattr(row, "common_name", None)
            if common:
                found.setdefault(fold(common), row.alpha_2)
    for code, name in countries.items():
        found[fold(name)] = code  # the CLDR name wins
    if lang != "en":
        for code, name in _countries_in(lang).items():
            found.setdefault(fold(name), code)
    return found


@cache
def _subdivisions(lang: str = "en") -> dict[str, tuple[str, str]]:
    """ISO 3166-2 code to (name in ``lang``, country code), for accepted countries."""
    countries = _countries()
    names = _subdivision_names(lang)
    return {
        row.code.upper(): (names.gettext(row.name), row.country_code.upper())
        for row in pycountry.subdivisions
        if row.country_code.upper() in countries
    }


@cache
def _subdivisions_by_name(lang: str = "en") -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = {}
    for each in {"en", lang}:
        for code, (name, _country) in _subdivisions(each).items():
            found.setdefault(fold(name), set()).add(code)
    return {key: tuple(sorted(codes)) for key, codes in found.items()}


@cache
def places(lang: str = "en") -> tuple[Place, ...]:
    """Every country, then every subdivision, named in ``lang``, for suggestions."""
    countries = [Place(c, n, fold(n), True) for c, n in _countries_in(lang).items()]
    subs = [
        Place(code, name(code, lang), fold(n), False, fold(name(code, lang)))
        for code, (n, _c) in _subdivisions(lang).items()
    ]
    return tuple(countries + subs)


def name(code: str, lang: str = "en") -> str:
    """The name of a place in ``lang`` ("India" for ``IN``, "New York (United States)";
    "Nueva York (Estados Unidos)" in Spanish), else the code."""
    countries = _countries_in(lang)
    if code in countries:
        return countries[code]
    sub = _subdivisions(lang).get(code)
    if sub:
        return f"{sub[0]} ({countries[sub[1]]})"
    country = code.split("-", 1)[0]
    return f"{code} ({countries[country]})" if country in countries else code


def _country(text: str, lang: str) -> str | None:
    try:
        code = normalize_region(text)
    except ValueError:
        code = None
    if code and len(code) == 2:
        return code
    return _country_by_name(lang).get(fold(text))


def resolve(text: str, lang: str = "en") -> str:
    """The ISO 3166 code a patient means by ``text`` (a code, or a name in English or in
    ``lang``); ValueError otherwise."""
    shown = " ".join(text.split())[:60]
    try:
        return normalize_region(text)
    except ValueError:
        pass
    folded = fold(text)
    if not folded:
        raise UnknownPlace(shown)
    country = _country_by_name(lang).get(folded)
    if country:
        return country
    codes = _subdivisions_by_name(lang).get(folded, ())
    parts = _WITH_COUNTRY.match(text.strip())
    if not codes and parts:
        within = _country(parts["paren"] or parts["comma"], lang)
        named = _subdivisions_by_name(lang).get(fold(parts["place"]), ())
        codes = tuple(c for c in named if c.startswith(f"{within}-")) if within else ()
    if len(codes) == 1:
        return codes[0]
    if codes:
        raise UnknownPlace(shown, tuple(name(c, lang) for c in codes))
    raise UnknownPlace(shown)


def suggest(query: str, limit: int, lang: str = "en") -> list[tuple[str, str]]:
    """(label, code) of the places whose name has words beginning with ``query``'s words.

    Countries before subdivisions at the same rank; ``New York`` finds "New York (United
    States)", ``united`` finds "United Kingdom", and a code typed in full finds its place.
    """
    folded = fold(query)
    ranked = []
    for place in places(lang):
        score = rank_folded(folded, place.folded)
        if score is None and not place.is_country:
            # "york united": the country's words count too, after every direct match.
            score = 3 if rank_folded(folded, place.folded_label) is not None else None
        if score is None and place.code.casefold() == query.strip().casefold():
            score = 0
        if score is not None:
            ranked.append((score, not place.is_country, place.folded, place.label, place.code))
    ranked.sort()
    return [(label, code) for *_, label, code in ranked[:limit]]
