"""The patient names (or changes) their own doctor after booking."""

from __future__ import annotations

from datetime import date, datetime

from telesecond.domain.intake import Doctor, check_doctor
from telesecond.extensions import db
from telesecond.models import Account, Consultation
from telesecond.services import audit
from telesecond.services.consultations import access
from telesecond.services.errors import Forbidden, Invalid

EARLIEST_BIRTH = date(1900, 1, 1)


def _birth_date(text: str, today: date, errors: dict[str, list[str]]) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        errors["patient_birth_date"] = ["Enter your date of birth as YYYY-MM-DD."]
        return None
    if not EARLIEST_BIRTH <= value <= today:
        errors["patient_birth_date"] = ["Enter your real date of birth."]
        return None
    return value


def update_doctor(
    patient: Account,
    consultation_id: int,
    doctor: Doctor,
    *,
    birth_date: str,
    now: datetime,
    ip: str | None = None,
) -> Consultation:
    """Store the doctor's details (and the patient's date of birth, for the link's check).

    :raise Forbidden: not the patient. :raise Invalid: a bad address or date, by field;
        nothing changes.
    """
    consultation = access.get_for(patient, consultation_id)
    if patient.id != consultation.patient_id:
        raise Forbidden("Only the patient can change who their doctor is.")
    errors: dict[str, list[str]] = {}
    clean = check_doctor(doctor, errors)
    born = _birth_date(birth_date, now.date(), errors)
    if errors:
        raise Invalid("Check your doctor's details.", errors)
    consultation.physician_name = clean.name
    consultation.physician_practice = clean.practice
    consultation.physician_contact = clean.contact
    consultation.share_with_physician = clean.share
    consultation.patient_birth_date = born
    consultation.updated_at = now
    audit.record(
        "consultation.physician_updated",
        actor_id=patient.id,
        target_type="consultation",
        target_id=consultation.id,
        ip=ip,
    )
    db.session.commit()
    return consultation
