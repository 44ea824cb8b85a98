"""Find specialists by specialty, condition, language and licensed region.

Specialties and conditions match on the beginnings of words, forgiving case and accents
("breast" and "Brea" find "Breast cancer"); languages and regions may be named
("Spanish", "New York") or given as codes (``es``, ``US-NY``), and are queried as codes.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, replace
from datetime import datetime

from babel.lists import format_list
from flask_babel import gettext as _
from sqlalchemy import Select, exists, false, or_, select
from sqlalchemy.orm import selectinload

from telesecond.domain import language_names, licensure, region_names, tags
from telesecond.domain.folding import fold, rank_folded
from telesecond.extensions import db
from telesecond.models import Account, SpecialistLicence, SpecialistProfile, SpecialistTag
from telesecond.services import languages
from telesecond.services.errors import Invalid
from telesecond.services.scheduling.availability import refresh_many

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_TERM = 120  # a specialty or condition, as typed
MAX_NAME = 80  # a language or a place, as typed
_EXAMPLES = {"specialty": "Oncology", "condition": "Breast cancer"}


@dataclass(frozen=True)
class Filters:
    """What a patient searches for; None means any."""

    specialty: str | None = None
    condition: str | None = None
    language: str | None = None
    region: str | None = None


def names_language() -> str:
    """The language places and languages are named in: the page's (``es``), else English."""
    return languages.current_locale().language


def resolve(filters: Filters) -> Filters:
    """The same filters with the language and region as codes; Invalid names the field.

    Names are understood in English and in the page's language ("Alemania" is ``DE``).

    Specialties and conditions are checked (not too long, some letters) and kept as typed.
    """
    for kind in ("specialty", "condition"):
        text = getattr(filters, kind)
        if text is None or not text.strip():
            continue
        if len(text) > MAX_TERM:
            raise Invalid.field(kind, _("Use at most %(num)d characters.", num=MAX_TERM))
        if not fold(text):
            raise Invalid.field(kind, _("Type a word, such as %(word)s.", word=_EXAMPLES[kind]))
    found = {}
    for kind, names in (("language", language_names), ("region", region_names)):
        text = getattr(filters, kind)
        if text is None or not text.strip():
            found[kind] = None
            continue
        if len(text) > MAX_NAME:
            raise Invalid.field(kind, _("Use at most %(num)d characters.", num=MAX_NAME))
        try:
            found[kind] = names.resolve(text, names_language())
        except (language_names.UnknownLanguage, region_names.UnknownPlace) as error:
            raise Invalid.field(kind, name_problem(error)) from None
    return replace(filters, **found)


def name_problem(error: ValueError) -> str:
    """What to say about a language or place nobody goes by, in the page's language."""
    if isinstance(error, language_names.UnknownLanguage):
        return _(
            "We do not know the language “%(text)s”. Type its name, such as Spanish, "
            "or a code such as es or pt-BR.",
            text=error.text,
        )
    if error.choices:
        choices = format_list(list(error.choices), style="or", locale=languages.current_locale())
        return _(
            "“%(text)s” could be more than one place: %(choices)s. Type one of them.",
            text=error.text,
            choices=choices,
        )
    return _(
        "We do not know the place “%(text)s”. Type a country or a state, such as Germany or "
        "New York, or a code such as DE or US-NY.",
        text=error.text,
    )


def _matching_values(kind: str, text: str) -> list[str]:
    """The stored match keys of ``kind`` whose words begin with the words of ``text``."""
    query = fold(text)
    keys = db.session.scalars(
        select(SpecialistTag.value).where(SpecialistTag.kind == kind).distinct()
    )
    return [key for key in keys if rank_folded(query, fold(key)) is not None]


def _has_tag(kind: str, *conditions) -> exists:
    return exists().where(
        SpecialistTag.account_id == SpecialistProfile.account_id,
        SpecialistTag.kind == kind,
        *conditions,
    )


def _filtered(filters: Filters, now: datetime) -> Select:
    # Only specialists an admin verified are listed (not pending, refused or suspended).
    query = (
        select(SpecialistProfile)
        .join(Account, Account.id == SpecialistProfile.account_id)
        .where(
            Account.active.is_(True),
            Account.role == "specialist",
            SpecialistProfile.verification == "verified",
        )
    )
    filters = resolve(filters)
    for kind in ("specialty", "condition"):
        text = getattr(filters, kind)
        if text and text.strip():
            keys = _matching_values(kind, text)
            query = query.where(_has_tag(kind, SpecialistTag.value.in_(keys)) if keys else false())
    if filters.language:
        key, _ = tags.normalize_language(filters.language)
        # "en" finds en-GB and en-US too; "pt-BR" finds only pt-BR.
        query = query.where(
            _has_tag(
                "language",
                or_(SpecialistTag.value == key, SpecialistTag.value.startswith(key + "-")),
            )
        )
    if filters.region:
        region = filters.region
        # A verified licence still current today (UTC), never the specialist's own claim.
        query = query.where(
            exists().where(
                SpecialistLicence.specialist_id == SpecialistProfile.account_id,
                SpecialistLicence.region == region,
                SpecialistLicence.expires_on >= licensure.first_current_day(now),
            )
        )
    return query


def _decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"==="))
        offset = int(data["o"])
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError):
        raise Invalid.field("cursor", "This cursor is not valid; start again without it.") from None
    if not 0 <= offset <= 1_000_000:
        raise Invalid.field("cursor", "This cursor is not valid; start again without it.")
    return offset


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def search(
    filters: Filters, *, now: datetime, cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> tuple[list[SpecialistProfile], str | None]:
    """One page of matching specialists, soonest availability first, and the next cursor."""
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid.field("limit", f"Use a limit between 1 and {MAX_LIMIT}.")
    offset = _decode_cursor(cursor)
    base = _filtered(filters, now)
    stale = db.session.scalars(
        base.where(
            or_(
                SpecialistProfile.next_available_valid_until.is_(None),
                SpecialistProfile.next_available_valid_until <= now,
            )
        ).options(
            selectinload(SpecialistProfile.windows), selectinload(SpecialistProfile.overrides)
        )
    ).all()
    if stale:
        refresh_many(list(stale), now)
        db.session.commit()
    rows = db.session.scalars(
        base.options(selectinload(SpecialistProfile.tags), selectinload(SpecialistProfile.account))
        .order_by(
            SpecialistProfile.next_available_at.is_(None),
            SpecialistProfile.next_available_at,
            SpecialistProfile.account_id,
        )
        .offset(offset)
        .limit(limit + 1)
    ).all()
    more = len(rows) > limit
    return list(rows[:limit]), _encode_cursor(offset + limit) if more else None


def current_licences(
    specialist_ids: list[int], now: datetime
) -> dict[int, list[SpecialistLicence]]:
    """The verified licences still current at ``now``, per specialist (one query)."""
    found: dict[int, list[SpecialistLicence]] = {i: [] for i in specialist_ids}
    if not specialist_ids:
        return found
    rows = db.session.scalars(
        select(SpecialistLicence)
        .where(
            SpecialistLicence.specialist_id.in_(specialist_ids),
            SpecialistLicence.expires_on >= licensure.first_current_day(now),
        )
        .order_by(SpecialistLicence.region, SpecialistLicence.expires_on.desc())
    )
    for row in rows:
        found[row.specialist_id].append(row)
    return found
