"""The periodic licence check: expiry warnings, and consultations a lapse leaves uncovered.

Run on each tick of the reminder process (services/maintenance.py) and by
``flask --app wsgi licences check``. Both parts are idempotent sweeps: a warning is
sent once per licence (``expiry_warned_at``), a consultation is flagged to the admins
once (its ``licence.lapse_flagged`` audit event is the record).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from telesecond.domain import licensure
from telesecond.extensions import db
from telesecond.models import AuditEvent, Consultation, SpecialistLicence, SpecialistProfile
from telesecond.services import audit
from telesecond.services.admin import notices

LAPSE_FLAG = "licence.lapse_flagged"
SCAN_LIMIT = 2000


@dataclass(frozen=True)
class LapseFlag:
    """An upcoming consultation that no current licence covers for its patient's region."""

    consultation_id: int
    specialist_id: int
    start: datetime
    region: str
    lapses_on: date | None  # the last day of the licence it relied on (None: none found)


@dataclass(frozen=True)
class CheckResult:
    """What one pass did."""

    warned: int
    flagged: int


def _due_warnings(now: datetime) -> list[SpecialistLicence]:
    today = licensure.utc_day(now)
    candidates = db.session.scalars(
        select(SpecialistLicence)
        .join(SpecialistProfile, SpecialistProfile.account_id == SpecialistLicence.specialist_id)
        .where(
            SpecialistLicence.expiry_warned_at.is_(None),
            SpecialistLicence.expires_on >= today,
            SpecialistLicence.expires_on <= today + timedelta(days=licensure.WARNING_DAYS),
            SpecialistProfile.verification.in_(("verified", "suspended")),
        )
        .order_by(SpecialistLicence.id)
        .limit(SCAN_LIMIT)
    )
    return [
        lic
        for lic in candidates
        if licensure.warning_due(lic.expires_on, now, warned=lic.expiry_warned_at is not None)
    ]


def warn_expiring(now: datetime) -> int:
    """Email the specialist and the admins once about each licence lapsing within 30 days."""
    due = _due_warnings(now)
    if not due:
        return 0
    admins = notices.admins()
    for licence in due:
        licence.expiry_warned_at = now
        audit.record(
            "licence.expiry_warned",
            actor_id=None,
            target_type="specialist",
            target_id=licence.specialist_id,
            detail={"licence_id": licence.id, "expires_on": licence.expires_on.isoformat()},
        )
    db.session.commit()  # recorded first: a rerun never sends twice
    for licence in due:
        specialist = db.session.get(SpecialistProfile, licence.specialist_id).account
        notices.send(
            "expiring", [specialist, *admins], now=now, licence=licence, specialist=specialist
        )
    return len(due)


def lapse_flags(now: datetime, *, specialist_id: int | None = None) -> list[LapseFlag]:
    """Upcoming confirmed consultations no verified licence covers until they end."""
    query = (
        select(Consultation.id, Consultation.specialist_id, Consultation.start)
        .add_columns(Consultation.end, Consultation.patient_region)
        .where(Consultation.status == "confirmed", Consultation.start > now)
        .order_by(Consultation.start)
        .limit(SCAN_LIMIT)
    )
    if specialist_id is not None:
        query = query.where(Consultation.specialist_id == specialist_id)
    rows = db.session.execute(query).all()
    if not rows:
        return []
    held: dict[int, list[licensure.Cover]] = {}
    for lic in db.session.scalars(
        select(SpecialistLicence).where(
            SpecialistLicence.specialist_id.in_({r.specialist_id for r in rows})
        )
    ):
        held.setdefault(lic.specialist_id, []).append(licensure.Cover(lic.region, lic.expires_on))
    flags = []
    for row in rows:
        covers = held.get(row.specialist_id, [])
        if licensure.covers(covers, row.patient_region, until=row.end):
            continue
        last = max((c.expires_on for c in covers if c.region == row.patient_region), default=None)
        flags.append(LapseFlag(row.id, row.specialist_id, row.start, row.patient_region, last))
    return flags


def flag_lapses(now: datetime) -> int:
    """Email the admins once about each newly uncovered upcoming consultation."""
    flags = lapse_flags(now)
    if not flags:
        return 0
    known = set(
        db.session.scalars(
            select(AuditEvent.target_id).where(
                AuditEvent.action == LAPSE_FLAG,
                AuditEvent.target_id.in_([str(f.consultation_id) for f in flags]),
            )
        )
    )
    new = [f for f in flags if str(f.consultation_id) not in known]
    if not new:
        return 0
    for flag in new:
        audit.record(
            LAPSE_FLAG,
            actor_id=None,
            target_type="consultation",
            target_id=flag.consultation_id,
            detail={"specialist_id": flag.specialist_id, "region": flag.region},
        )
    db.session.commit()
    notices.send("lapse_flags", notices.admins(), now=now, flags=new)
    return len(new)


def run_checks(now: datetime) -> CheckResult:
    """Both parts of the licence check, one after the other."""
    return CheckResult(warned=warn_expiring(now), flagged=flag_lapses(now))
