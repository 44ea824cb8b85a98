"""Admins verify specialists' licences, refuse, suspend and reinstate them.

States: ``pending`` → ``verified`` | ``refused``; ``verified`` ⇄ ``suspended``. Only
``verified`` is public (services/scheduling). Each decision records who, when and why,
is audited, and takes the specialist's lock so that bookings in flight finish first.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from telesecond.db.locks import lock_specialist
from telesecond.domain import licensure
from telesecond.extensions import db
from telesecond.models import Account, Consultation, SpecialistLicence, SpecialistProfile
from telesecond.models.licence import VERIFICATION_STATES
from telesecond.services import audit
from telesecond.services.accounts import sessions
from telesecond.services.admin import notices
from telesecond.services.errors import Conflict, Forbidden, Invalid, NotFound

MAX_REASON = 2000
MAX_LICENCES = 50
LIST_LIMIT = 500


def require_admin(actor: Account) -> None:
    """Refuse anyone but an admin."""
    if actor.role != "admin":
        raise Forbidden(gettext("Only an admin may do this."))


def _loaded():
    return (
        selectinload(SpecialistProfile.account),
        selectinload(SpecialistProfile.tags),
        selectinload(SpecialistProfile.licences),
    )


def list_specialists(actor: Account, *, verification: str | None = None) -> list[SpecialistProfile]:
    """Specialists (any state, or one), pending first, then by name."""
    require_admin(actor)
    query = select(SpecialistProfile).join(Account, Account.id == SpecialistProfile.account_id)
    if verification:
        if verification not in VERIFICATION_STATES:
            raise Invalid.field(
                "verification", gettext("Choose pending, verified, refused or suspended.")
            )
        query = query.where(SpecialistProfile.verification == verification)
    order = [
        (SpecialistProfile.verification != "pending"),
        Account.full_name,
        Account.id,
    ]
    return list(db.session.scalars(query.options(*_loaded()).order_by(*order).limit(LIST_LIMIT)))


def get(actor: Account, specialist_id: int) -> SpecialistProfile:
    """One specialist's profile in any state, or NotFound."""
    require_admin(actor)
    profile = db.session.get(SpecialistProfile, specialist_id, options=list(_loaded()))
    if profile is None or profile.account.role != "specialist":
        raise NotFound(gettext("No such specialist."))
    return profile


def _text(value: str | None, field: str, *, required: bool, missing: str) -> str | None:
    text = (value or "").strip()
    if required and not text:
        raise Invalid.field(field, missing)
    if len(text) > MAX_REASON:
        raise Invalid.field(field, gettext("Use at most %(max)d characters.", max=MAX_REASON))
    if "\x00" in text:
        raise Invalid.field(field, gettext("Remove the NUL character."))
    return text or None


def _decided(
    profile: SpecialistProfile, actor: Account, state: str, reason: str | None, now: datetime
) -> None:
    profile.verification = state
    profile.verification_reason = reason
    profile.verification_changed_at = now
    profile.verification_changed_by_id = actor.id
    # Other processes' cached booking facts are keyed by updated_at: a new one reloads them.
    profile.updated_at = now


def _locked(actor: Account, specialist_id: int) -> SpecialistProfile:
    profile = get(actor, specialist_id)
    lock_specialist(specialist_id)
    db.session.refresh(profile)
    return profile


def _worded(problem: licensure.Problem) -> str:
    """A licence problem (a domain code) in the reader's language."""
    words = {
        "region": lambda: gettext(
            "Region: use a country code (DE) or a subdivision code (US-CA), ISO 3166."
        ),
        "number_missing": lambda: gettext("Number: enter the licence number."),
        "number_long": lambda: gettext(
            "Number: use at most %(max)d characters.", max=problem.limit
        ),
        "issuer_missing": lambda: gettext("Issuer: name the body that issued the licence."),
        "issuer_long": lambda: gettext(
            "Issuer: use at most %(max)d characters.", max=problem.limit
        ),
        "expires_format": lambda: gettext("Expires on: use a date such as 2027-12-31."),
        "expires_past": lambda: gettext("Expires on: the licence must still be valid after today."),
    }
    return words[problem.code]()


def check_licences(
    entries: list[licensure.LicenceInput], now: datetime
) -> list[licensure.CheckedLicence]:
    """Every licence checked; Invalid with ``licences`` messages naming the row."""
    if not entries:
        raise Invalid.field(
            "licences", gettext("Record at least one licence to verify a specialist.")
        )
    if len(entries) > MAX_LICENCES:
        raise Invalid.field(
            "licences",
            gettext("Record at most %(max)d licences at once.", max=MAX_LICENCES),
        )
    checked, problems = [], []
    for n, entry in enumerate(entries, start=1):
        licence, found = licensure.check_licence(entry, now)
        problems += [gettext("Licence %(n)d: %(problem)s", n=n, problem=_worded(p)) for p in found]
        if licence is not None:
            checked.append(licence)
    if problems:
        raise Invalid(gettext("Some licences need attention."), {"licences": problems})
    return checked


def verify(
    actor: Account,
    specialist_id: int,
    entries: list[licensure.LicenceInput],
    *,
    note: str | None = None,
    now: datetime,
    ip: str | None = None,
) -> SpecialistProfile:
    """Record the licences checked and make the specialist public (or add licences)."""
    require_admin(actor)
    licences = check_licences(entries, now)
    note = _text(note, "note", required=False, missing="")
    profile = _locked(actor, specialist_id)
    if profile.verification == "suspended":
        db.session.rollback()
        raise Conflict(gettext("This specialist is suspended: reinstate them first."))
    for licence in licences:
        profile.licences.append(
            SpecialistLicence(
                region=licence.region,
                number=licence.number,
                issuer=licence.issuer,
                expires_on=licence.expires_on,
                verified_by_id=actor.id,
                verified_at=now,
                note=note,
            )
        )
    _decided(profile, actor, "verified", None, now)
    audit.record(
        "specialist.verified",
        actor_id=actor.id,
        target_type="specialist",
        target_id=specialist_id,
        ip=ip,
        detail={"licences": [[x.region, x.expires_on.isoformat()] for x in licences]},
    )
    db.session.commit()
    return profile


def refuse(
    actor: Account,
    specialist_id: int,
    *,
    reason: str | None,
    note: str | None = None,
    now: datetime,
    ip: str | None = None,
) -> SpecialistProfile:
    """Refuse a pending application; the applicant is emailed the reason."""
    note = _text(note, "note", required=False, missing="")
    profile, reason = _move(
        actor,
        specialist_id,
        ("pending", "refused"),
        reason=reason,
        missing=gettext("Give the reason for refusing."),
        refusal=gettext("Only a pending application can be refused; suspend a verified one."),
        now=now,
        ip=ip,
        detail={"note": note} if note else None,
    )
    notices.send("refused", [profile.account], now=now, reason=reason)
    return profile


def suspend(
    actor: Account, specialist_id: int, *, reason: str | None, now: datetime, ip: str | None = None
) -> SpecialistProfile:
    """Take a verified specialist out of the directory and end every session and token.

    Their upcoming consultations stay booked: the admin sees them listed and decides.
    """
    profile, reason = _move(
        actor,
        specialist_id,
        ("verified", "suspended"),
        reason=reason,
        missing=gettext("Give the reason for suspending."),
        refusal=gettext("Only a verified specialist can be suspended."),
        now=now,
        ip=ip,
    )
    notices.send("suspended", [profile.account], now=now, reason=reason)
    return profile


def reinstate(
    actor: Account, specialist_id: int, *, reason: str | None, now: datetime, ip: str | None = None
) -> SpecialistProfile:
    """Make a suspended specialist public again (their licences still have to be current)."""
    profile, _ = _move(
        actor,
        specialist_id,
        ("suspended", "verified"),
        reason=reason,
        missing=gettext("Give the reason for reinstating."),
        refusal=gettext("Only a suspended specialist can be reinstated."),
        now=now,
        ip=ip,
    )
    return profile


# The audit action of each state a specialist is moved into.
_ACTIONS = {
    "refused": "specialist.refused",
    "suspended": "specialist.suspended",
    "verified": "specialist.reinstated",
}


def _move(
    actor: Account,
    specialist_id: int,
    change: tuple[str, str],
    *,
    reason: str | None,
    missing: str,
    refusal: str,
    now: datetime,
    ip: str | None,
    detail: dict | None = None,
) -> tuple[SpecialistProfile, str]:
    """Move a specialist from one state to the next, with the admin's reason, and commit.

    A suspension also ends every session and API token of the specialist at once.
    :raise Conflict: the specialist is not in the state the change starts from.
    """
    require_admin(actor)
    reason = _text(reason, "reason", required=True, missing=missing)
    before, after = change
    profile = _locked(actor, specialist_id)
    if profile.verification != before:
        db.session.rollback()
        raise Conflict(refusal)
    _decided(profile, actor, after, reason, now)
    if after == "suspended":
        sessions.end_all(specialist_id, now=now, reason="suspended", actor_id=actor.id, ip=ip)
    audit.record(
        _ACTIONS[after],
        actor_id=actor.id,
        target_type="specialist",
        target_id=specialist_id,
        ip=ip,
        detail=detail,
    )
    db.session.commit()
    return profile, reason


def upcoming_consultations(actor: Account, specialist_id: int, now: datetime) -> list[Consultation]:
    """The specialist's confirmed consultations still to come, soonest first."""
    require_admin(actor)
    return list(
        db.session.scalars(
            select(Consultation)
            .where(
                Consultation.specialist_id == specialist_id,
                Consultation.status == "confirmed",
                Consultation.start > now,
            )
            .order_by(Consultation.start)
            .limit(LIST_LIMIT)
        )
    )
