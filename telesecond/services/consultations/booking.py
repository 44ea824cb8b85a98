"""Hold, book, reschedule, cancel and close consultations without ever double booking."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError, OperationalError

from telesecond.db import backend, row_batch, transactions
from telesecond.db.locks import (
    LockedSpecialist,
    lock_and_read,
    lock_specialist,
)
from telesecond.domain.instants import to_rfc3339
from telesecond.domain.intake import CONSENT_VERSION, Intake, check_intake
from telesecond.extensions import db
from telesecond.models import Account, Consultation, Hold, SpecialistProfile
from telesecond.services.consultations.access import get_for
from telesecond.services.consultations.changes import consultation_changed
from telesecond.services.consultations.verified_patients import require_verified
from telesecond.services.errors import Conflict, Forbidden, Invalid, NotFound
from telesecond.services.scheduling import availability, busy, rules_cache

# Messages are worded when raised, in the language of the page or API request.
PATIENT_BUSY = _l("You already have a consultation at this time.")
PATIENT_BUSY_RESCHEDULE = _l("The patient already has a consultation at this time.")
# PostgreSQL's exclusion constraint that keeps a patient out of two consultations at once.
PATIENT_OVERLAP_CONSTRAINT = "ex_consultation_patient_overlap"


def _lost_race(specialist_id: int, start: datetime, now: datetime) -> Conflict:
    """Roll back and describe the conflict, offering the nearest free slots."""
    db.session.rollback()
    return Conflict(
        _("This time is no longer available. Please choose another time."),
        extra={"alternatives": nearest_slots(specialist_id, start, now=now)},
    )


def nearest_slots(
    specialist_id: int, around: datetime, *, now: datetime, count: int = 3
) -> list[dict[str, str]]:
    """Up to ``count`` free slots closest to ``around`` (for a patient who lost a race)."""
    try:
        slots = availability.free_slots(
            specialist_id,
            max(now, around - timedelta(days=7)),
            around + timedelta(days=14),
            now=now,
        )
    except (NotFound, Invalid):
        return []
    slots.sort(key=lambda s: abs(s.start - around))
    return [
        {
            "start": to_rfc3339(s.start),
            "end": to_rfc3339(s.end),
        }
        for s in sorted(slots[:count], key=lambda s: s.start)
    ]


def _specialist(specialist_id: int) -> SpecialistProfile:
    profile = db.session.get(SpecialistProfile, specialist_id)
    if profile is None or not profile.account.active or profile.verification != "verified":
        raise NotFound(_("No such specialist."))
    return profile


def _conflict(
    exc: IntegrityError, specialist_id: int, start: datetime, now: datetime, patient_busy: str
) -> Conflict:
    """The 409 for a row the database refused: the patient's overlap, or a lost race."""
    constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
    if constraint == PATIENT_OVERLAP_CONSTRAINT:
        db.session.rollback()
        return Conflict(str(patient_busy))
    return _lost_race(specialist_id, start, now)


def _commit_or_conflict(
    specialist_id: int,
    start: datetime,
    now: datetime,
    *,
    patient_busy: str = PATIENT_BUSY,
    keep_state: bool = False,
) -> None:
    try:
        if keep_state:
            transactions.commit_keeping_state()
        else:
            db.session.commit()
    except IntegrityError as exc:
        raise _conflict(exc, specialist_id, start, now, patient_busy) from None
    except OperationalError as exc:  # a deadlock, or SQLite's writer lock not had in time
        if not backend.lost_to_another_transaction(exc):
            raise
        raise _lost_race(specialist_id, start, now) from None


def place_hold(
    patient: Account, specialist_id: int, start: datetime, *, now: datetime, minutes: int
) -> Hold:
    """Hold a free slot for ``minutes`` so the patient can finish the intake."""
    if patient.role != "patient":
        raise Forbidden(_("Only patients can hold a time."))
    require_verified(patient)
    profile = _specialist(specialist_id)
    lock_specialist(specialist_id)
    # Expired holds go now: the database keeps live and expired holds exclusive alike.
    db.session.execute(
        delete(Hold).where(
            Hold.specialist_id == specialist_id,
            (Hold.expires_at <= now) | (Hold.patient_id == patient.id),
        )
    )
    slot = availability.is_free_slot(specialist_id, start, now=now, patient_id=patient.id)
    if slot is None:
        raise _lost_race(specialist_id, start, now)
    hold = Hold(
        specialist_id=specialist_id,
        patient_id=patient.id,
        start=slot.start,
        end=slot.end,
        block_end=slot.end + timedelta(minutes=profile.buffer_minutes),
        expires_at=now + timedelta(minutes=minutes),
        created_at=now,
    )
    db.session.add(hold)
    availability.invalidate(profile)
    _commit_or_conflict(specialist_id, start, now)
    return hold


def _hold_errors(
    hold_id: int, patient: Account, specialist_id: int, start: datetime, now: datetime
) -> dict[str, list[str]]:
    """Check the patient's hold; a lapsed, purged or foreign hold counts as no hold.

    Without a live hold of their own the patient books like anyone else: the slot must be
    free, and another patient's live hold on it makes it taken (the slot check says 409).
    """
    hold = db.session.get(Hold, hold_id)
    if hold is None or hold.patient_id != patient.id or hold.expires_at <= now:
        return {}
    if hold.start != start or hold.specialist_id != specialist_id:
        return {"hold_id": [_("This hold is for another time.")]}
    return {}


def _invalidate_if_first(
    locked: LockedSpecialist, specialist_id: int, start: datetime, pad: timedelta
) -> None:
    """Forget the cached first free slot when this booking may have taken it.

    A booking that starts at least one slot plus buffer after the cached first free slot
    cannot overlap it, so the cache stays valid (and the row is not written again).
    """
    first = locked.next_available_at
    if locked.next_available_valid_until is None:
        return
    if first is None or start < first + pad:
        db.session.execute(
            update(SpecialistProfile)
            .where(SpecialistProfile.account_id == specialist_id)
            .values(next_available_valid_until=None)
        )


def _consultation_values(
    patient: Account,
    specialist_id: int,
    slot,
    intake: Intake,
    buffer: timedelta,
    now: datetime,
    status: str = "confirmed",
) -> dict:
    """Every column of a new consultation but its id, from a checked intake."""
    values = {k: v for k, v in vars(intake).items() if k not in _NOT_STORED}
    values.update(
        patient_id=patient.id,
        specialist_id=specialist_id,
        start=slot.start,
        end=slot.end,
        block_end=slot.end + buffer,
        status=status,
        sequence=0,
        consent_version=CONSENT_VERSION,
        consent_at=now,
        emergency_ack_at=now,
        created_at=now,
        updated_at=now,
        cancelled_at=None,
        cancelled_by_id=None,
        cancel_reason=None,
    )
    return values


# Intake answers that are checked but not stored as columns (the times are stored instead).
_NOT_STORED = ("telehealth_consent", "emergency_acknowledged")


def book(
    patient: Account,
    specialist_id: int,
    start: datetime,
    intake: Intake,
    *,
    now: datetime,
    hold_id: int | None = None,
    ip: str | None = None,
    awaiting_payment: bool = False,
) -> Consultation:
    """Book a consultation; raise Invalid (422), Conflict (409) or NotFound (404).

    The start must be a slot under the specialist's rules. The new rows are written
    first and the busy time around the slot is read with them; a conflict rolls every
    new row back. On PostgreSQL the exclusion constraints, not a check, refuse an overlap
    with a booked consultation.

    ``awaiting_payment``: the consultation occupies its slot like any booking but is
    ``awaiting_payment`` (change ``awaiting_payment``, no invites or reminders) until
    ``services/payments`` confirms it as ``booked``.
    """
    if patient.role != "patient":
        raise Forbidden(_("Only patients can book a consultation."))
    require_verified(patient)
    intake, errors = check_intake(intake)
    locked = lock_and_read(specialist_id)
    facts = None
    if locked is not None and locked.account.active and locked.verification == "verified":
        facts = rules_cache.facts_for(specialist_id, locked.updated_at)
    if facts is None:  # no such specialist, or the profile vanished between the reads
        db.session.rollback()
        raise NotFound(_("No such specialist."))
    ends = start + timedelta(minutes=facts.consultation_minutes)
    if "patient_region" not in errors and not facts.licensed_for(intake.patient_region, until=ends):
        errors["patient_region"] = [
            f"{locked.account.full_name} is not licensed to consult patients in "
            f"{intake.patient_region} at this time. Choose a specialist licensed where you "
            "will be."
        ]
    if hold_id is not None:
        errors.update(_hold_errors(hold_id, patient, specialist_id, start, now))
    if errors:
        db.session.rollback()
        raise Invalid(_("Some fields need attention."), errors)

    length = timedelta(minutes=facts.consultation_minutes)
    buffer = timedelta(minutes=facts.buffer_minutes)
    slot = availability.slot_at(facts, start, now=now, busy_time=busy.BusyTime())
    if slot is None:
        raise _lost_race(specialist_id, start, now)
    status = "awaiting_payment" if awaiting_payment else "confirmed"
    values = _consultation_values(patient, specialist_id, slot, intake, buffer, now, status)
    _invalidate_if_first(locked, specialist_id, slot.start, length + buffer)
    try:
        new_id = row_batch.add_with_id(
            Consultation.__table__, values, drawn_id=locked.new_consultation_id
        )
    except IntegrityError as exc:
        raise _conflict(exc, specialist_id, start, now, PATIENT_BUSY) from None
    consultation = row_batch.as_stored(
        Consultation, {"id": new_id, **values}, patient=patient, specialist=locked.account
    )
    kind = "awaiting_payment" if awaiting_payment else "booked"
    consultation_changed(consultation, kind, actor_id=patient.id, now=now, ip=ip)
    busy_around = busy.busy_query(
        specialist_id,
        start - length - buffer,
        start + 2 * length + buffer,
        now=now,
        except_patient=patient.id,
        ignore_consultation=new_id,
        patient_span=(patient.id, start, start + length),
        include_booked=not backend.refuses_overlapping_consultations(),
    )
    try:
        found = busy.busy_from_rows(row_batch.write_queued(*busy_around))
    except IntegrityError as exc:  # PostgreSQL: an exclusion constraint refused the row
        raise _conflict(exc, specialist_id, start, now, PATIENT_BUSY) from None
    except OperationalError as exc:  # two bookings of the slot deadlocked: this one lost
        if not backend.lost_to_another_transaction(exc):
            raise
        raise _lost_race(specialist_id, start, now) from None
    blocked = found.booked or found.holds or found.time_off  # else the slot above stands
    if blocked and availability.slot_at(facts, start, now=now, busy_time=found) is None:
        raise _lost_race(specialist_id, start, now)
    if found.patient_overlap:
        db.session.rollback()
        raise Conflict(str(PATIENT_BUSY))
    if found.own_holds:
        db.session.execute(
            delete(Hold).where(Hold.patient_id == patient.id, Hold.specialist_id == specialist_id)
        )
    _commit_or_conflict(specialist_id, start, now, keep_state=True)
    return consultation


def _check_cutoff(
    actor: Account, consultation: Consultation, now: datetime, cutoff_hours: int, verb: str
) -> None:
    moving = verb == "rescheduled"
    if consultation.status != "confirmed":
        raise Conflict(
            _("Only a confirmed consultation can be rescheduled.")
            if moving
            else _("Only a confirmed consultation can be cancelled.")
        )
    too_late = consultation.start - now < timedelta(hours=cutoff_hours)
    if actor.id == consultation.patient_id and too_late:
        raise Conflict(
            _(
                "Consultations can be rescheduled online up to %(hours)s hours before they "
                "start. Please contact the specialist's clinic.",
                hours=cutoff_hours,
            )
            if moving
            else _(
                "Consultations can be cancelled online up to %(hours)s hours before they "
                "start. Please contact the specialist's clinic.",
                hours=cutoff_hours,
            )
        )


def reschedule(
    actor: Account,
    consultation_id: int,
    start: datetime,
    *,
    now: datetime,
    cutoff_hours: int,
    ip: str | None = None,
) -> Consultation:
    """Move the consultation (same id, sequence + 1) to another free slot."""
    consultation = get_for(actor, consultation_id)
    _check_cutoff(actor, consultation, now, cutoff_hours, "rescheduled")
    if start == consultation.start:
        raise Invalid.field(
            "start", _("The consultation already starts at this time. Choose another time.")
        )
    specialist_id = consultation.specialist_id
    lock_specialist(specialist_id)
    slot = availability.is_free_slot(
        specialist_id,
        start,
        now=now,
        ignore_consultation=consultation.id,
        patient_id=consultation.patient_id,
    )
    if slot is None:
        raise _lost_race(specialist_id, start, now)
    facts = rules_cache.facts_of(_specialist(specialist_id))
    if not facts.licensed_for(consultation.patient_region, until=slot.end):
        db.session.rollback()
        raise Invalid.field(
            "start",
            _(
                "The specialist's licence for %(region)s does not cover this time. "
                "Choose an earlier time.",
                region=consultation.patient_region,
            ),
        )
    if busy.patient_overlaps(
        consultation.patient_id, slot.start, slot.end, ignore_consultation=consultation.id
    ):
        db.session.rollback()
        raise Conflict(str(PATIENT_BUSY_RESCHEDULE))
    old_start = consultation.start
    profile = _specialist(specialist_id)
    consultation.start, consultation.end = slot.start, slot.end
    consultation.block_end = slot.end + timedelta(minutes=profile.buffer_minutes)
    consultation.sequence += 1
    consultation.updated_at = now
    availability.invalidate(profile)
    consultation_changed(
        consultation,
        "rescheduled",
        actor_id=actor.id,
        now=now,
        ip=ip,
        detail={"from": old_start.isoformat(), "to": slot.start.isoformat()},
    )
    _commit_or_conflict(specialist_id, start, now, patient_busy=PATIENT_BUSY_RESCHEDULE)
    return consultation


def cancel(
    actor: Account,
    consultation_id: int,
    *,
    reason: str,
    now: datetime,
    cutoff_hours: int,
    ip: str | None = None,
) -> Consultation:
    """Cancel softly: status, reason, who and when are kept; the slot is freed."""
    consultation = get_for(actor, consultation_id)
    _check_cutoff(actor, consultation, now, cutoff_hours, "cancelled")
    consultation.status = "cancelled"
    consultation.sequence += 1
    consultation.cancelled_at = consultation.updated_at = now
    consultation.cancelled_by_id = actor.id
    consultation.cancel_reason = reason.strip()[:500] or None
    availability.invalidate_by_id(consultation.specialist_id)
    consultation_changed(
        consultation,
        "cancelled",
        actor_id=actor.id,
        now=now,
        ip=ip,
        detail={"reason": consultation.cancel_reason},
    )
    db.session.commit()
    return consultation


def record_outcome(
    actor: Account, consultation_id: int, outcome: str, *, now: datetime, ip: str | None = None
) -> Consultation:
    """After the start, the specialist marks the consultation completed or no-show."""
    consultation = get_for(actor, consultation_id)
    if actor.id != consultation.specialist_id:
        raise Forbidden(_("Only the specialist records how a consultation went."))
    if outcome not in ("completed", "no_show"):
        raise Invalid.field("status", _("Choose completed or no_show."))
    if consultation.status not in ("confirmed", "completed", "no_show"):
        raise Conflict("A cancelled consultation cannot be completed.")
    if now < consultation.start:
        raise Conflict("A consultation can be marked only after it has started.")
    consultation.status = outcome
    consultation.updated_at = now
    consultation_changed(consultation, outcome, actor_id=actor.id, now=now, ip=ip)
    db.session.commit()
    return consultation
