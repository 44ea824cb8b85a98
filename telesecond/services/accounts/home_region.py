"""Where a patient usually is: the place the directory and the booking form assume.

A patient may name it on their profile ("New York", stored as ``US-NY``). Until they do,
the place they gave in their latest booking is remembered instead. A place given in a
search (``?region=``) always wins over both; the booking service still checks the place.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from telesecond.domain import region_names
from telesecond.extensions import db
from telesecond.models import Account, Consultation
from telesecond.services import languages
from telesecond.services.scheduling.directory import name_problem

MAX_TEXT = 80


@dataclass(frozen=True)
class HomeRegion:
    """A patient's usual place and where we know it from (``profile`` or ``booking``)."""

    code: str
    source: str


def of(account: Account | None) -> HomeRegion | None:
    """The place a patient usually is, or None (not a patient, or never said)."""
    if account is None or account.role != "patient":
        return None
    if account.region:
        return HomeRegion(account.region, "profile")
    latest = db.session.scalar(
        select(Consultation.patient_region)
        .where(Consultation.patient_id == account.id)
        .order_by(Consultation.created_at.desc(), Consultation.id.desc())
        .limit(1)
    )
    return HomeRegion(latest, "booking") if latest else None


def check(text: str | None, errors: dict[str, list[str]]) -> str | None:
    """The ISO 3166 code of the place ``text`` names (None when empty); an error otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > MAX_TEXT:
        errors.setdefault("region", []).append(_("Use at most %(num)d characters.", num=MAX_TEXT))
        return None
    try:
        return region_names.resolve(text, languages.current_locale().language)
    except region_names.UnknownPlace as error:
        errors.setdefault("region", []).append(name_problem(error))
        return None


def label(code: str | None) -> str:
    """The place's name in the language in force ("Nueva York (Estados Unidos)")."""
    return region_names.name(code, languages.current_locale().language) if code else ""


def default(account: Account | None, given: str | None = None) -> str:
    """A form's place: the code ``given`` (from the page before), else the usual place's."""
    given = (given or "").strip()[:10]
    if given:
        return given
    home = of(account)
    return home.code if home else ""
