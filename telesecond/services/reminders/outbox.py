"""Write the outbox: the messages a consultation's changes cause, in the same transaction.

``on_consultation_changed`` is the listener ``services.hooks`` calls before a booking,
reschedule or cancellation commits. It adds rows only; nothing here touches the network.
Slots carry the consultation's sequence (``s1-24h``), so a reschedule's rows never collide
with the rows it replaces, and re-planning the same sequence updates rows in place.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from sqlalchemy import or_, select

from telesecond.domain import sending
from telesecond.domain.notices import NOTICE_KINDS, sms_notice_due
from telesecond.domain.reminders import (
    ExistingSms,
    PatientPrefs,
    ReminderPolicy,
    channel_allowed,
    format_offset,
    plan_reminders,
)
from telesecond.extensions import db
from telesecond.models import Account, Consultation, Reminder, SpecialistAlert
from telesecond.services.consultations.access import get_for
from telesecond.services.reminders.agenda import plan_agenda
from telesecond.services.reminders.outbox_rows import NewReminder, insert_rows

# Statuses of an SMS that counts against the patient's caps.
COUNTED = ("pending", "sending", "sent", "delivered", "unknown")


def policy() -> ReminderPolicy:
    """The service's reminder policy, read from the settings at start-up (config.py)."""
    return current_app.config["REMINDER_POLICY"]


def sms_allowed(account: Account) -> bool:
    """Whether ``account`` may get SMS now (the rule: ``domain.sending.sms_allowed``)."""
    return sending.sms_allowed(
        phone=account.phone,
        consented=account.sms_consent_at is not None,
        opted_out=account.sms_opted_out_at is not None,
    )


def _row(
    consultation_id: int | None,
    recipient_id: int,
    kind: str,
    channel: str,
    slot: str,
    due_at: datetime,
    now: datetime,
) -> NewReminder:
    return NewReminder(
        consultation_id=consultation_id,
        recipient_id=recipient_id,
        kind=kind,
        channel=channel,
        slot=slot,
        due_at=due_at,
        created_at=now,
        updated_at=now,
    )


def _rows_of(consultation: Consultation) -> list[Reminder]:
    if consultation.id is None:
        return []
    return list(
        db.session.scalars(select(Reminder).where(Reminder.consultation_id == consultation.id))
    )


def _put(existing: dict[tuple, Reminder | NewReminder], row: NewReminder, added: list) -> None:
    """Add ``row`` to ``added``, or bring the row of the same key back to the planned state.

    A row already sent (or given up on) stays as it is: nothing is sent twice.
    """
    key = (row.recipient_id, row.kind, row.channel, row.slot)
    current = existing.get(key)
    if current is None:
        added.append(row)
        existing[key] = row
    elif current.status in ("pending", "cancelled"):
        current.status = "pending"
        current.due_at = row.due_at
        current.attempts = 0
        current.last_error = None
        current.updated_at = row.updated_at


def _key(row: Reminder | NewReminder) -> tuple:
    return (row.recipient_id, row.kind, row.channel, row.slot)


def _cancel_pending(rows: list[Reminder], now: datetime, kinds: tuple[str, ...]) -> None:
    for row in rows:
        if row.status == "pending" and row.kind in kinds:
            row.status = "cancelled"
            row.updated_at = now


def _existing_sms(patient_id: int, consultation: Consultation, now: datetime) -> list[ExistingSms]:
    """The patient's SMS the caps count: other consultations' near this one, and this one's
    notices."""
    query = select(Reminder.due_at).where(
        Reminder.recipient_id == patient_id,
        Reminder.channel == "sms",
        Reminder.kind.in_(("reminder", *NOTICE_KINDS)),
        Reminder.status.in_(COUNTED),
        # From a week before now too: a notice due now counts the texts around it.
        Reminder.due_at >= min(consultation.start, now) - timedelta(days=9),
        Reminder.due_at <= consultation.start + timedelta(days=9),
    )
    if consultation.id is not None:
        # Its own reminders are being re-planned; its notices (sent or due) still count.
        query = query.where(
            or_(Reminder.consultation_id != consultation.id, Reminder.kind.in_(NOTICE_KINDS))
        )
    return [ExistingSms(due) for due in db.session.scalars(query)]


def _zone_name(name: str) -> str:
    """The stored zone if it is a known IANA name, else UTC (a booking must not fail)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


def _slot(consultation: Consultation, suffix: str) -> str:
    return f"s{consultation.sequence}-{suffix}"


def _prefs(patient: Account) -> PatientPrefs:
    return PatientPrefs(
        timezone=_zone_name(patient.timezone),
        channels=frozenset(patient.channels),
        sms_allowed=sms_allowed(patient),
    )


def _sms_notice(
    consultation: Consultation,
    notice: str,
    planned_sms: list[ExistingSms],
    *,
    now: datetime,
    existing: dict,
    added: list,
) -> datetime | None:
    """Queue the patient's SMS twin of ``notice`` when the rules allow (domain.notices)."""
    patient = consultation.patient
    prefs = _prefs(patient)
    if not channel_allowed("sms", prefs):
        return None
    other = [*_existing_sms(patient.id, consultation, now), *planned_sms]
    due = sms_notice_due(notice, now=now, policy=policy(), prefs=prefs, other_sms=other)
    if due is not None:
        slot = _slot(consultation, "notice")
        _put(existing, _row(consultation.id, patient.id, notice, "sms", slot, due, now), added)
    return due


def plan_patient_reminders(
    consultation: Consultation,
    *,
    now: datetime,
    existing: dict[tuple, Reminder | NewReminder] | None = None,
    added: list[NewReminder] | None = None,
    notice: str | None = None,
) -> list[Reminder | NewReminder]:
    """(Re)plan the patient's reminders for the consultation's current sequence.

    Pending rows of this sequence that the new plan no longer holds are cancelled; rows
    already sent stay sent. ``existing`` (the consultation's rows by key) saves a query
    when the caller has them. New rows go to ``added`` for the caller to insert, or are
    inserted here without it. ``notice`` (``confirmation`` or ``rescheduled``) is the
    notice this change sends at once: its SMS twin is queued here, and no catch-up
    reminder goes on a channel the notice takes in the same minute. Returns the planned
    rows.
    """
    mine = added is None
    added = [] if added is None else added
    if existing is None:
        existing = {_key(r): r for r in _rows_of(consultation)}
    patient = consultation.patient
    prefs = _prefs(patient)
    wants_sms = channel_allowed("sms", prefs)
    existing_sms = _existing_sms(patient.id, consultation, now) if wants_sms else []

    def plan(confirmed_on: frozenset[str]):
        return plan_reminders(
            start=consultation.start,
            booked_at=now,
            policy=policy(),
            prefs=prefs,
            existing_sms=existing_sms,
            confirmed_on=confirmed_on,
        )

    # Every notice goes by email at once; by SMS too when the patient chose it.
    confirmed_on = frozenset({"email", "sms"}) if notice else frozenset()
    planned = plan(confirmed_on)
    if notice:
        sms = [ExistingSms(p.due_at) for p in planned if p.channel == "sms"]
        due = _sms_notice(consultation, notice, sms, now=now, existing=existing, added=added)
        if due != now:  # no SMS notice this minute: the SMS catch-up keeps its place
            planned = plan(frozenset({"email"}))
    before = list(existing.values())
    wanted = []
    for item in planned:
        row = _row(
            consultation.id,
            patient.id,
            "reminder",
            item.channel,
            _slot(consultation, format_offset(item.offset)),
            item.due_at,
            now,
        )
        _put(existing, row, added)
        wanted.append(_key(row))
    for row in before:
        if (
            row.recipient_id == patient.id
            and row.kind == "reminder"
            and row.status == "pending"
            and _key(row) not in wanted
        ):
            row.status = "cancelled"
            row.updated_at = now
    if mine:
        insert_rows(added)
    return [existing[k] for k in wanted]


def _specialist_alert(
    consultation: Consultation, existing: dict, now: datetime, added: list
) -> None:
    # Loaded with the specialist's row when a booking locks it (services/locks.py).
    alert = consultation.specialist.specialist_alert
    if alert is None:
        return
    channel = alert.channel
    if channel == "sms" and not sms_allowed(consultation.specialist):
        channel = "email"
    before = timedelta(minutes=alert.minutes_before)
    due = max(consultation.start - before, now)
    if due >= consultation.start:
        return
    slot = _slot(consultation, format_offset(before))
    row = _row(consultation.id, alert.account_id, "reminder", channel, slot, due, now)
    _put(existing, row, added)


def _notices(
    consultation: Consultation, kind: str, existing: dict, now: datetime, added: list
) -> None:
    """The confirmation / rescheduled / cancelled email to both people, due at once.

    The patient's SMS twin is planned with the reminders (``_sms_notice``): the caps
    count both.
    """
    slot = _slot(consultation, "notice")
    for person in (consultation.patient_id, consultation.specialist_id):
        _put(existing, _row(consultation.id, person, kind, "email", slot, now, now), added)


def on_consultation_changed(
    consultation: Consultation,
    kind: str,
    *,
    now: datetime,
    detail: dict | None = None,  # noqa: ARG001
) -> None:
    """Listener of a consultation's changes: write, re-plan or withdraw its outbox rows.

    New rows are queued with the change's other rows; stored rows are changed in the
    session.
    """
    # A consultation just booked has no rows yet: no need to ask the database.
    stored = [] if kind == "booked" else _rows_of(consultation)
    existing: dict = {_key(r): r for r in stored}
    added: list[NewReminder] = []
    if kind == "booked":
        _notices(consultation, "confirmation", existing, now, added)
    elif kind == "rescheduled":
        _cancel_pending(stored, now, ("reminder",))
        _notices(consultation, "rescheduled", existing, now, added)
    elif kind == "cancelled":
        _cancel_pending(stored, now, ("reminder", "confirmation", "rescheduled"))
        _notices(consultation, "cancelled", existing, now, added)
        _sms_notice(consultation, "cancelled", [], now=now, existing=existing, added=added)
        insert_rows(added)
        return
    else:  # completed, no_show: nothing more to remind anyone of
        _cancel_pending(stored, now, ("reminder",))
        return
    notice = "confirmation" if kind == "booked" else "rescheduled"
    plan_patient_reminders(consultation, now=now, existing=existing, added=added, notice=notice)
    _specialist_alert(consultation, existing, now, added)
    plan_agenda(consultation, now=now, added=added)
    insert_rows(added)


def change_channels(patient: Account, channels: list[str], *, now: datetime) -> int:
    """Set the patient's reminder channels and re-plan every upcoming consultation.

    Returns how many consultations were re-planned. The caller commits.
    """
    patient.notify_by = ",".join(c for c in ("email", "sms") if c in channels)
    return replan_upcoming(patient, now=now)


def replan_upcoming(patient: Account, *, now: datetime) -> int:
    """Re-plan the reminders of the patient's upcoming consultations from their profile.

    Called when channels, phone, SMS consent or time zone change. The caller commits.
    """
    upcoming = db.session.scalars(
        select(Consultation).where(
            Consultation.patient_id == patient.id,
            Consultation.status == "confirmed",
            Consultation.start > now,
        )
    ).all()
    for consultation in upcoming:
        plan_patient_reminders(consultation, now=now)
    return len(upcoming)


def set_specialist_alert(
    specialist: Account, channel: str | None, *, now: datetime, minutes_before: int = 15
) -> None:
    """Opt a specialist in to (``channel``) or out of (None) the before-start message.

    Upcoming consultations are re-planned at once. The caller commits.
    """
    alert = specialist.specialist_alert
    if channel is None:
        specialist.specialist_alert = None  # delete-orphan: the row goes
    elif alert is None:
        specialist.specialist_alert = SpecialistAlert(
            channel=channel, minutes_before=minutes_before, updated_at=now
        )
    else:
        alert.channel, alert.minutes_before, alert.updated_at = channel, minutes_before, now
    db.session.flush()
    upcoming = db.session.scalars(
        select(Consultation).where(
            Consultation.specialist_id == specialist.id,
            Consultation.status == "confirmed",
            Consultation.start > now,
        )
    ).all()
    added: list[NewReminder] = []
    for consultation in upcoming:
        rows = _rows_of(consultation)
        for row in rows:
            mine = row.recipient_id == specialist.id and row.kind == "reminder"
            if mine and row.status == "pending":
                row.status, row.updated_at = "cancelled", now
        _specialist_alert(consultation, {_key(r): r for r in rows}, now, added)
    insert_rows(added)


def reminders_for(actor: Account, consultation_id: int) -> list[Reminder]:
    """The caller's own outbox rows for a consultation they take part in, by due time.

    :raise NotFound: unless the actor is the consultation's patient or specialist.
    """

    consultation = get_for(actor, consultation_id)
    return list(
        db.session.scalars(
            select(Reminder)
            .where(
                Reminder.consultation_id == consultation.id,
                Reminder.recipient_id == actor.id,
            )
            .order_by(Reminder.due_at, Reminder.id)
        )
    )
