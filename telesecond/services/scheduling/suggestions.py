"""What to offer while a patient types into a directory search field.

Specialties and conditions come from the verified specialists who are listed (so each
suggestion finds someone); languages and places from the full lists of names, since a
patient must be able to say where they are even when nobody is licensed there yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from telesecond.domain import language_names, region_names
from telesecond.domain.folding import fold, rank_folded
from telesecond.extensions import db
from telesecond.models import Account, SpecialistProfile, SpecialistTag
from telesecond.services.errors import Invalid
from telesecond.services.scheduling.directory import names_language

FIELDS = ("specialty", "condition", "language", "region")
MAX_QUERY = 80
DEFAULT_LIMIT = 8
MAX_LIMIT = 20


@dataclass(frozen=True)
class Suggestion:
    """A text to put in the field, and the code it stands for (languages and places)."""

    label: str
    code: str | None = None


def _listed_labels(kind: str) -> list[str]:
    """One label per match key of ``kind`` among listed (verified, active) specialists."""
    rows = db.session.execute(
        select(SpecialistTag.value, func.min(SpecialistTag.label))
        .join(SpecialistProfile, SpecialistProfile.account_id == SpecialistTag.account_id)
        .join(Account, Account.id == SpecialistProfile.account_id)
        .where(
            SpecialistTag.kind == kind,
            Account.active.is_(True),
            Account.role == "specialist",
            SpecialistProfile.verification == "verified",
        )
        .group_by(SpecialistTag.value)
    )
    return [label for _value, label in rows]


def suggest(field: str, query: str, *, limit: int = DEFAULT_LIMIT) -> list[Suggestion]:
    """The best few suggestions for ``query`` typed into ``field``, best first."""
    if field not in FIELDS:
        raise Invalid.field("field", "Use one of: " + ", ".join(FIELDS) + ".")
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid.field("limit", f"Use a limit between 1 and {MAX_LIMIT}.")
    if len(query) > MAX_QUERY:
        raise Invalid.field("q", f"Use at most {MAX_QUERY} characters.")
    folded = fold(query)
    if not folded:
        raise Invalid.field("q", "Type at least one letter or digit.")
    if field == "language":
        return [
            Suggestion(name, tag)
            for name, tag in language_names.suggest(query, limit, names_language())
        ]
    if field == "region":
        return [
            Suggestion(name, code)
            for name, code in region_names.suggest(query, limit, names_language())
        ]
    ranked = []
    for label in _listed_labels(field):
        score = rank_folded(folded, fold(label))
        if score is not None:
            ranked.append((score, fold(label), label))
    ranked.sort()
    return [Suggestion(label) for *_, label in ranked[:limit]]
