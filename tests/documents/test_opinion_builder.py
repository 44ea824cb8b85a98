"""The opinion's document built from the records: who may read it, what goes in, the audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from telesecond.domain.opinion_document import Answer
from telesecond.extensions import db
from telesecond.models import AuditEvent, Opinion, SpecialistLicence
from telesecond.services.errors import NotFound
from telesecond.services.opinions import document, signing
from tests.credentials import PASSWORD
from tests.documents.pdf_reading import all_text, squeezed
from tests.opinions.scenario import BODY, INTAKE, QUESTIONS, write_signed


@pytest.fixture
def case(make_specialist, make_account, book_consultation, clock):
    """A booked consultation in Berlin; its opinion signed after the call, and an addendum
    signed a day later."""
    specialist = make_specialist(full_name="Dr Lena Brandt", notice=60)
    patient = make_account(full_name="Maria Keller", timezone="America/New_York")
    consultation = book_consultation(patient, specialist, **INTAKE)
    clock.advance(seconds=(consultation.end - clock()).total_seconds() + 60)
    write_signed(consultation, now=clock(), copy_to_doctor=False)
    clock.advance(days=1)
    signing.add_addendum(
        specialist,
        consultation.id,
        text="A later note.",
        password=PASSWORD,
        otp=None,
        question_ids=[],
        ip=None,
        now=clock(),
    )
    return specialist, patient, consultation


def _read(case, reader, clock, **changes):
    _, _, consultation = case
    return document.read_document(reader, consultation.id, **{"ip": "203.0.113.5", **changes})


def test_the_document_holds_the_case_the_opinion_and_the_signature(case, clock):
    specialist, patient, consultation = case
    doc = _read(case, patient, clock, patient_birth_date=date(1971, 4, 18))
    assert doc.patient_name == "Maria Keller" and doc.specialist_name == "Dr Lena Brandt"
    assert doc.patient_birth_date == date(1971, 4, 18)
    assert doc.reference == f"C{consultation.id:06d}"
    assert doc.consultation_start == consultation.start
    assert doc.current_diagnosis == INTAKE["current_diagnosis"]
    assert doc.proposed_treatment == INTAKE["proposed_treatment"]
    assert doc.assessment == "refines" and doc.summary == BODY["summary"]
    assert doc.answers == tuple(
        Answer(q, a) for q, a in zip(QUESTIONS, BODY["answers"], strict=True)
    )
    assert doc.recommendations == BODY["recommendations"]
    assert [a.text for a in doc.addenda] == ["A later note."]
    opinion = db.session.get(Opinion, consultation.id)
    assert doc.signature.signer == "Dr Lena Brandt"
    assert doc.signature.digest == opinion.digest and len(opinion.digest) == 64
    # Shown in the patient's zone unless the caller names the reader's.
    assert doc.zone == "America/New_York"
    assert _read(case, specialist, clock, zone="Europe/Berlin").zone == "Europe/Berlin"


def test_only_licences_current_when_signed_are_listed(case, clock):
    specialist, patient, _ = case
    db.session.add(
        SpecialistLicence(
            specialist_id=specialist.id,
            region="AT",
            number="OLD-1",
            issuer="Österreichische Ärztekammer",
            expires_on=date(2026, 3, 1),  # lapsed the day before the opinion was signed
            verified_by_id=specialist.id,
            verified_at=clock() - timedelta(days=400),
        )
    )
    db.session.commit()
    doc = _read(case, patient, clock)
    assert [(x.region, x.issuer) for x in doc.licences] == [
        ("DE", "Demo medical board"),
        ("US-CA", "Demo medical board"),
    ]
    assert all(x.expires_on == date(2099, 12, 31) for x in doc.licences)


def test_every_read_is_audited_and_strangers_see_nothing(case, clock, make_account):
    _, patient, consultation = case
    _read(case, patient, clock)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "opinion.viewed")
    ).all()
    assert [(e.actor_id, e.target_id, e.ip) for e in events] == [
        (patient.id, str(consultation.id), "203.0.113.5")
    ]
    with pytest.raises(NotFound):
        _read(case, make_account(), clock)


def test_the_built_document_renders_every_answer_and_the_digest(case, clock):
    _, patient, consultation = case
    patient.language = "es"
    db.session.commit()
    doc = _read(case, patient, clock, zone="Europe/Berlin")
    text = all_text(document.opinion_pdf(doc))
    for answer in BODY["answers"]:
        assert squeezed(answer) in text
    assert squeezed("Ask for a sentinel node biopsy.") in text
    assert squeezed("A later note.") in text
    assert db.session.get(Opinion, consultation.id).digest in text
    # The patient reads Spanish: the fixed text and the dates are Spanish, the specialist's
    # words stay as written. The call began at 10:00 UTC, 11:00 in Berlin.
    assert squeezed("Recomendaciones") in text
    assert squeezed("lunes, 2 de marzo de 2026, 11:00 (Europe/Berlin, CET)") in text
