"""The opinion's document built from the records: who may read it, what goes in, the audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from telesecond.domain.opinion_document import Addendum, Answer
from telesecond.extensions import db
from telesecond.models import AuditEvent, SpecialistLicence
from telesecond.services.errors import NotFound
from telesecond.services.opinions import document, second_opinion
from tests.documents import samples
from tests.documents.pdf_reading import all_text, squeezed
from tests.opinions.scenario import BODY, INTAKE, QUESTIONS


@pytest.fixture
def case(make_specialist, make_account, book_consultation, clock):
    """A booked consultation in Berlin whose specialist wrote the opinion; signed an hour later."""
    specialist = make_specialist(full_name="Dr Lena Brandt", notice=60)
    patient = make_account(full_name="Maria Keller", timezone="America/New_York")
    consultation = book_consultation(patient, specialist, **INTAKE)
    second_opinion.write(specialist, consultation.id, **BODY, ip=None, now=clock())
    return specialist, patient, consultation


def _read(case, reader, clock, **changes):
    specialist, _, consultation = case
    values = {
        "signer": specialist,
        "signed_at": clock() + timedelta(hours=1),
        "digest": samples.sha256("signed"),
        "addenda": (
            Addendum(
                "A later note.", "Dr Lena Brandt", clock() + timedelta(days=1), samples.sha256("a")
            ),
        ),
        "ip": "203.0.113.5",
    }
    return document.read_document(reader, consultation.id, **{**values, **changes})


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
    assert doc.signature.signer == "Dr Lena Brandt"
    assert doc.signature.digest == samples.sha256("signed")
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
            expires_on=clock().date() - timedelta(days=1),
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
    _, patient, _ = case
    doc = _read(case, patient, clock, language="de", zone="Europe/Berlin")
    text = all_text(document.opinion_pdf(doc))
    for answer in BODY["answers"]:
        assert squeezed(answer) in text
    assert squeezed("Ask for a sentinel node biopsy.") in text
    assert squeezed("A later note.") in text
    assert samples.sha256("signed") in text
    # Signed at 10:00 UTC: 11:00 in Berlin, the date in German.
    assert squeezed("Montag, 2. März 2026, 11:00 (Europe/Berlin, CET)") in text
