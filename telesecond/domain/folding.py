"""Pure text folding and word-prefix matching for what patients type into the directory.

- Folding forgives case and accents: ``Leukämie`` folds to ``leukamie``, ``LEUCEMIA`` to
  ``leucemia``, ``Œdème`` to ``oedeme``. Letters that Unicode does not decompose (``æ``,
  ``ø``, ``ł`` …) are spelt out.
- A query matches a text when every word of the query begins a word of the text:
  ``breast`` and ``Brea`` match ``Breast cancer``; ``canc brea`` does too; ``reast`` does not.
- Matches rank: the whole text, then the text's beginning, then any word's beginning.
"""

from __future__ import annotations

import re
import unicodedata

_SPELT = str.maketrans(
    {"æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without accents, words separated by one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPELT))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(plain.translate(_SPELT)))


def words(text: str) -> list[str]:
    """The folded words of ``text``."""
    return fold(text).split()


def matches(query: str, text: str) -> bool:
    """Whether every word of ``query`` begins some word of ``text`` (an empty query: no)."""
    return rank(query, text) is not None


def rank(query: str, text: str) -> int | None:
    """0 for the whole text, 1 for its beginning, 2 for a word's beginning, None: no match."""
    return rank_folded(fold(query), fold(text))


def rank_folded(query: str, text: str) -> int | None:
    """:func:`rank` for texts already folded (lists of names fold once, not per keystroke)."""
    wanted, have = query.split(), text.split()
    if not wanted or not all(any(w.startswith(q) for w in have) for q in wanted):
        return None
    if query == text:
        return 0
    return 1 if text.startswith(query) else 2
