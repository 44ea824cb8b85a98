"""Bulk-seed due SMS reminders (one patient and consultation each) for load tests and bench."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select

from telesecond.extensions import db
from telesecond.models import Account, Consultation, Reminder

UNUSABLE_HASH = "!seeded-account-cannot-log-in"


def phone(n: int) -> str:
    """A distinct E.164 mobile number per seeded patient."""
    return f"+4915{n:09d}"


def seed_due_sms(n: int, *, now: datetime, due: datetime | None = None, spread=None) -> None:
    """``n`` patients with SMS consent, each with a consultation and one due SMS reminder.

    The consultations start from a day after ``now`` an hour apart (one specialist, no
    overlap); every reminder is due at ``due`` (default ``now``), or at ``due + i *
    spread`` when ``spread`` is given.
    """
    due = now if due is None else due
    db.session.execute(
        insert(Account),
        [
            {
                "email": "seed-specialist@example.org",
                "password_hash": UNUSABLE_HASH,
                "full_name": "Dr Seed",
                "role": "specialist",
                "timezone": "Europe/Berlin",
                "notify_by": "email",
                "active": True,
                "created_at": now,
                "email_verified_at": now,
            }
        ],
    )
    specialist_id = db.session.scalar(
        select(Account.id).where(Account.email == "seed-specialist@example.org")
    )
    db.session.execute(
        insert(Account),
        [
            {
                "email": f"seed-patient-{i}@example.org",
                "password_hash": UNUSABLE_HASH,
                "full_name": f"Patient {i}",
                "role": "patient",
                "timezone": "Europe/Berlin",
                "phone": phone(i),
                "notify_by": "email,sms",
                "sms_consent_at": now,
                "active": True,
                "created_at": now,
                "email_verified_at": now,
            }
            for i in range(n)
        ],
    )
    patients = dict(
        db.session.execute(
            select(Account.email, Account.id).where(Account.email.like("seed-patient-%"))
        ).all()
    )
    first = now + timedelta(days=1)
    db.session.execute(
        insert(Consultation),
        [
            {
                "patient_id": patients[f"seed-patient-{i}@example.org"],
                "specialist_id": specialist_id,
                "start": first + timedelta(hours=i),
                "end": first + timedelta(hours=i, minutes=45),
                "block_end": first + timedelta(hours=i, minutes=45),
                "status": "confirmed",
                "sequence": 0,
                "patient_region": "DE",
                "reason": "seeded",
                "current_diagnosis": "seeded",
                "proposed_treatment": "seeded",
                "questions": [],
                "consent_version": "seed",
                "consent_at": now,
                "emergency_ack_at": now,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(n)
        ],
    )
    consultations = dict(
        db.session.execute(
            select(Consultation.patient_id, Consultation.id).where(
                Consultation.specialist_id == specialist_id
            )
        ).all()
    )
    db.session.execute(
        insert(Reminder),
        [
            {
                "consultation_id": consultations[patients[f"seed-patient-{i}@example.org"]],
                "recipient_id": patients[f"seed-patient-{i}@example.org"],
                "kind": "reminder",
                "channel": "sms",
                "slot": "s0-24h",
                "due_at": due + (spread * i if spread else timedelta(0)),
                "status": "pending",
                "attempts": 0,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(n)
        ],
    )
    db.session.commit()
