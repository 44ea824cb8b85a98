"""Pure checks of what a patient hands over when booking a second opinion."""

from __future__ import annotations

from dataclasses import dataclass, field

from telesecond.domain import tags
from telesecond.domain.accounts import normalize_email

CONSENT_VERSION = "2026-11"
CONSENT_TEXT = (
    "I agree to a consultation by secure video. I understand that the specialist gives a "
    "second opinion based on what I share and what they can see on video, without a "
    "physical examination; that the opinion supports, and does not replace, the care of "
    "my own doctors; and that telesecond is not for emergencies."
)
MAX_QUESTIONS = 20


@dataclass(frozen=True)
class Intake:
    """The patient's case as submitted (strings already free of NUL and bad Unicode)."""

    patient_region: str
    reason: str
    current_diagnosis: str
    proposed_treatment: str
    questions: list[str] = field(default_factory=list)
    physician_name: str = ""
    physician_contact: str = ""
    share_with_physician: bool = False
    physician_practice: str = ""
    interpreter_language: str | None = None
    telehealth_consent: bool = False
    emergency_acknowledged: bool = True


@dataclass(frozen=True)
class Doctor:
    """The patient's own doctor, and whether they get a copy of the opinion."""

    name: str = ""
    practice: str = ""
    contact: str = ""
    share: bool = False


def check_doctor(doctor: Doctor, errors: dict[str, list[str]]) -> Doctor:
    """The doctor's details cleaned up; problems go to ``errors`` by field name."""
    contact = doctor.contact.strip()
    if contact and normalize_email(contact) is None:
        errors["physician_contact"] = ["Give your doctor's email address."]
    if doctor.share and not contact:
        errors["share_with_physician"] = [
            "Add your doctor's email address to send them the opinion."
        ]
    return Doctor(
        name=" ".join(doctor.name.split())[:200],
        practice=" ".join(doctor.practice.split())[:200],
        contact=(normalize_email(contact) or contact)[:254],
        share=doctor.share,
    )


def _need(value: str, name: str, label: str, limit: int, errors: dict) -> str:
    text = value.strip()
    if not text:
        errors.setdefault(name, []).append(f"Tell the specialist {label}.")
    elif len(text) > limit:
        errors.setdefault(name, []).append(f"Keep this under {limit} characters.")
    return text


def check_intake(intake: Intake) -> tuple[Intake, dict[str, list[str]]]:
    """The intake cleaned up, and field errors (empty when it can be booked)."""
    errors: dict[str, list[str]] = {}
    region = intake.patient_region
    try:
        region = tags.normalize_region(intake.patient_region)
    except ValueError as exc:
        errors["patient_region"] = [str(exc)]
    reason = _need(intake.reason, "reason", "what you want from the second opinion", 4000, errors)
    diagnosis = _need(
        intake.current_diagnosis, "current_diagnosis", "your current diagnosis", 8000, errors
    )
    treatment = _need(
        intake.proposed_treatment,
        "proposed_treatment",
        "the treatment you have been offered",
        8000,
        errors,
    )
    questions = [" ".join(q.split()) for q in intake.questions if q.strip()]
    if not questions:
        errors["questions"] = ["Write at least one question for the specialist."]
    elif len(questions) > MAX_QUESTIONS:
        errors["questions"] = [f"Ask at most {MAX_QUESTIONS} questions."]
    elif any(len(q) > 1000 for q in questions):
        errors["questions"] = ["Keep each question under 1000 characters."]
    doctor = check_doctor(
        Doctor(
            intake.physician_name,
            intake.physician_practice,
            intake.physician_contact,
            intake.share_with_physician,
        ),
        errors,
    )
    language = intake.interpreter_language
    if language:
        try:
            language = tags.normalize_language(language)[1]
        except ValueError as exc:
            errors["interpreter_language"] = [str(exc)]
    if not intake.telehealth_consent:
        errors["telehealth_consent"] = ["Agree to the video consultation terms to book."]
    if not intake.emergency_acknowledged:
        errors["emergency_acknowledged"] = [
            "Confirm that you understand this is not for emergencies."
        ]
    clean = Intake(
        patient_region=region,
        reason=reason,
        current_diagnosis=diagnosis,
        proposed_treatment=treatment,
        questions=questions,
        physician_name=doctor.name,
        physician_practice=doctor.practice,
        physician_contact=doctor.contact,
        share_with_physician=doctor.share,
        interpreter_language=language or None,
        telehealth_consent=intake.telehealth_consent,
        emergency_acknowledged=intake.emergency_acknowledged,
    )
    return clean, errors
