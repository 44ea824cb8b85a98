"""Patients and specialists see their consultations, open a case and change it."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from telesecond.extensions import db
from telesecond.models import AuditEvent, Consultation, Document
from telesecond.services.consultations import booking
from tests.consultations.scenario import INTAKE
from tests.file_samples import MINIMAL_PDF
from tests.stored import fresh
from tests.web_forms import csrf_token

TODAY = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # 5 h after the clock: inside the cut-off
NEXT_WEEK = datetime(2026, 3, 9, 13, 0, tzinfo=UTC)  # Monday 09:00 New York (EDT)
NEXT_WEEK_LATER = "2026-03-09T14:00:00Z"


@pytest.fixture
def setup(app, make_account, make_new_york_specialist, signed_in, clock):
    """A specialist and two patients; ``book`` makes a consultation through the service."""

    class Setup:
        doctor = make_new_york_specialist()
        patient = make_account(full_name="Petra Paulsen")
        other = make_account(full_name="Otto Other")

        def book(self, start: datetime, patient=None) -> Consultation:
            return booking.book(patient or self.patient, self.doctor.id, start, INTAKE, now=clock())

        def client_for(self, account):
            return signed_in(app, account)

    return Setup()


def post_action(client, consultation_id: int, action: str, data: dict):
    """POST one of the case page's forms with the page's CSRF token."""
    page = client.get(f"/consultations/{consultation_id}")
    assert page.status_code == 200
    return client.post(
        f"/consultations/{consultation_id}/{action}",
        data={**data, "csrf_token": csrf_token(page.text)},
    )


def test_the_specialist_sees_the_case_in_the_agenda_and_the_detail(setup, clock):
    today, later = setup.book(TODAY), setup.book(NEXT_WEEK, patient=setup.other)
    client = setup.client_for(setup.doctor)

    agenda = client.get("/consultations")
    assert agenda.status_code == 200
    html = agenda.text
    assert '<a href="/consultations" aria-current="page">Agenda</a>' in html
    today_part = html[html.index(">Today</h2>") : html.index(">Upcoming</h2>")]
    upcoming_part = html[html.index(">Upcoming</h2>") : html.index(">Past</h2>")]
    assert "Petra Paulsen" in today_part and f"/consultations/{today.id}" in today_part
    assert "09:00 (America/New_York, EST)" in today_part  # the specialist's own zone
    assert "Otto Other" in upcoming_part and f"/consultations/{later.id}" in upcoming_part
    assert 'class="badge badge-confirmed">Confirmed<' in html
    # Lists carry no health information.
    assert "carcinoma" not in html and "lumpectomy" not in html

    case = client.get(f"/consultations/{today.id}")
    assert case.status_code == 200
    page = case.text
    for text in [
        "The patient's case",
        "Invasive ductal carcinoma, stage IIA",
        "Mastectomy followed by chemotherapy",
        "Is breast-conserving surgery possible?",
        "<li>Would lumpectomy be enough?</li>",
        "<li>Do I need chemotherapy first?</li>",
        "Dr Jonas Richter",
        "richter@example.org",
        "Needed, language es",
        "terms version 2026-11",
        "Mon 02 Mar 2026, 09:00 (America/New_York, EST)",
        "Mon 02 Mar 2026, 15:00 (Europe/Berlin, CET)",  # the patient's zone
        f'href="/consultations/{today.id}/opinion/edit"',
        "Not yet written",
    ]:
        assert text in page, text
    # No link to an opinion that does not exist yet (it would be a 404).
    assert f'href="/consultations/{today.id}/opinion"' not in page
    assert page.index("Would lumpectomy") < page.index("Do I need chemotherapy first")


def test_the_patient_sees_upcoming_and_past(setup, clock):
    consultation = setup.book(TODAY)
    client = setup.client_for(setup.patient)

    html = client.get("/consultations").text
    assert '<a href="/consultations" aria-current="page">My consultations</a>' in html
    upcoming = html[html.index(">Upcoming</h2>") : html.index(">Past</h2>")]
    assert "Dr Ada Vance" in upcoming and "15:00 (Europe/Berlin, CET)" in upcoming
    assert ">Today</h2>" not in html
    assert "carcinoma" not in html

    clock.advance(hours=6)  # after the end
    html = client.get("/consultations").text
    past = html[html.index(">Past</h2>") :]
    assert f"/consultations/{consultation.id}" in past

    detail = client.get(f"/consultations/{consultation.id}").text
    assert "Your case as you sent it" in detail
    assert "Invasive ductal carcinoma, stage IIA" in detail
    assert "/opinion/edit" not in detail
    assert "terms version" not in detail


def test_another_patient_gets_404(setup):
    consultation = setup.book(NEXT_WEEK)
    intruder = setup.client_for(setup.other)
    assert intruder.get(f"/consultations/{consultation.id}").status_code == 404
    assert intruder.get("/consultations/9999").status_code == 404
    assert intruder.get("/consultations/99999999999").status_code == 404
    token = csrf_token(intruder.get("/consultations").text)
    for action, data in [
        ("cancel", {}),
        ("reschedule", {"start": NEXT_WEEK_LATER}),
        ("status", {"status": "completed"}),
    ]:
        response = intruder.post(
            f"/consultations/{consultation.id}/{action}", data={**data, "csrf_token": token}
        )
        assert response.status_code == 404, action
    assert fresh(consultation.id).status == "confirmed"
    assert "Invasive" not in intruder.get("/consultations").text


def test_the_case_page_needs_a_sign_in(client, setup):
    consultation = setup.book(NEXT_WEEK)
    response = client.get(f"/consultations/{consultation.id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_reading_a_case_is_audited(setup):
    consultation = setup.book(NEXT_WEEK)
    client = setup.client_for(setup.doctor)
    client.get(f"/consultations/{consultation.id}")
    db.session.expire_all()
    rows = list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "consultation.viewed"))
    )
    assert [(r.actor_id, r.target_type, r.target_id) for r in rows] == [
        (setup.doctor.id, "consultation", str(consultation.id))
    ]
    assert rows[0].ip == "127.0.0.1"


def test_reschedule_moves_the_time_and_raises_the_sequence(setup):
    consultation = setup.book(NEXT_WEEK)
    client = setup.client_for(setup.patient)
    page = client.get(f"/consultations/{consultation.id}").text
    # The free times offered include the next slot, and not the consultation's own.
    assert f'value="{NEXT_WEEK_LATER}"' in page
    assert 'value="2026-03-09T13:00:00Z"' not in page

    response = post_action(client, consultation.id, "reschedule", {"start": NEXT_WEEK_LATER})
    assert response.status_code == 302
    moved = fresh(consultation.id)
    assert moved.start == datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
    assert moved.sequence == 1

    page = client.get(f"/consultations/{consultation.id}").text
    assert "The consultation is moved to Mon 09 Mar 2026, 15:00 (Europe/Berlin, CET)" in page
    assert "Invitation version" not in page  # no jargon
    history = page[page.index(">Changes so far (2)</summary>") :]
    assert ">Rescheduled</td>" in history
    assert (
        "From Mon 09 Mar 2026, 14:00 (Europe/Berlin, CET) to "
        "Mon 09 Mar 2026, 15:00 (Europe/Berlin, CET)"
    ) in history
    assert "You (Petra Paulsen)" in history


def test_reschedule_to_a_taken_time_is_refused_with_a_message(setup):
    consultation = setup.book(NEXT_WEEK)
    setup.book(datetime(2026, 3, 9, 14, 0, tzinfo=UTC), patient=setup.other)
    client = setup.client_for(setup.patient)
    response = post_action(client, consultation.id, "reschedule", {"start": NEXT_WEEK_LATER})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "This time is no longer available." in page
    assert fresh(consultation.id).start == NEXT_WEEK
    response = post_action(client, consultation.id, "reschedule", {"start": "soon"})
    assert "Choose one of the free times" in client.get(response.headers["Location"]).text


def test_cancel_records_reason_who_and_when(setup, clock):
    consultation = setup.book(NEXT_WEEK)
    client = setup.client_for(setup.patient)
    response = post_action(
        client, consultation.id, "cancel", {"reason": "My oncologist answered my questions."}
    )
    assert response.status_code == 302
    cancelled = fresh(consultation.id)
    assert cancelled.status == "cancelled"
    assert cancelled.cancel_reason == "My oncologist answered my questions."
    assert cancelled.cancelled_by_id == setup.patient.id
    assert cancelled.cancelled_at == clock()

    page = client.get(f"/consultations/{consultation.id}").text
    assert "The consultation is cancelled." in page
    assert 'class="badge badge-cancelled">Cancelled<' in page
    assert "Cancelled on Mon 02 Mar 2026, 10:00 (Europe/Berlin, CET) by you" in page
    assert "What happens next" not in page
    history = page[page.index(">Changes so far (2)</summary>") :]
    assert ">Cancelled</td>" in history
    assert "Reason: “My oncologist answered my questions.”" in history
    # Nothing left to change.
    assert "/reschedule" not in page and "/cancel" not in page

    doctor_view = setup.client_for(setup.doctor).get(f"/consultations/{consultation.id}").text
    assert "by Petra Paulsen" in doctor_view


def test_a_patient_cannot_cancel_online_after_the_cutoff(setup):
    consultation = setup.book(TODAY)
    client = setup.client_for(setup.patient)
    page = client.get(f"/consultations/{consultation.id}").text
    assert "You can move or cancel online until Sun 01 Mar 2026, 15:00" in page

    response = post_action(client, consultation.id, "cancel", {"reason": "late"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "up to 24 hours before they start" in page
    assert fresh(consultation.id).status == "confirmed"
    # The specialist may still cancel.
    doctor = setup.client_for(setup.doctor)
    post_action(doctor, consultation.id, "cancel", {"reason": "Clinic closed"})
    assert fresh(consultation.id).status == "cancelled"
    assert fresh(consultation.id).cancelled_by_id == setup.doctor.id


def test_the_specialist_marks_completed_after_the_start(setup, clock):
    consultation = setup.book(TODAY)
    client = setup.client_for(setup.doctor)
    assert "How did it go?" not in client.get(f"/consultations/{consultation.id}").text

    response = post_action(client, consultation.id, "status", {"status": "completed"})
    page = client.get(response.headers["Location"]).text
    assert "only after it has started" in page
    assert fresh(consultation.id).status == "confirmed"

    clock.advance(hours=5, minutes=30)  # 14:30Z, the consultation is on
    assert "How did it go?" in client.get(f"/consultations/{consultation.id}").text
    response = post_action(client, consultation.id, "status", {"status": "completed"})
    assert response.status_code == 302
    assert fresh(consultation.id).status == "completed"
    page = client.get(f"/consultations/{consultation.id}").text
    assert "The consultation is marked completed." in page
    assert 'class="badge badge-completed">Completed<' in page
    assert ">Marked completed</td>" in page[page.index(">Changes so far (2)</summary>") :]


def test_the_specialist_marks_a_no_show(setup, clock):
    consultation = setup.book(TODAY)
    clock.advance(hours=5, minutes=20)
    client = setup.client_for(setup.doctor)
    response = post_action(client, consultation.id, "status", {"status": "no_show"})
    assert response.status_code == 302
    assert fresh(consultation.id).status == "no_show"
    page = client.get(f"/consultations/{consultation.id}").text
    assert 'class="badge badge-no_show">No-show<' in page
    assert ">Marked as no-show</td>" in page

    response = post_action(client, consultation.id, "status", {"status": "vanished"})
    assert "Choose completed or no_show." in client.get(response.headers["Location"]).text


def test_a_patient_cannot_record_the_outcome(setup, clock):
    consultation = setup.book(TODAY)
    clock.advance(hours=6)
    client = setup.client_for(setup.patient)
    assert "How did it go?" not in client.get(f"/consultations/{consultation.id}").text
    response = post_action(client, consultation.id, "status", {"status": "completed"})
    assert response.status_code == 403
    assert fresh(consultation.id).status == "confirmed"


# -- the documents panel on the case page --------------------------------------------------

_DOWNLOAD_LINK = re.compile(r'href="(/consultations/\d+/documents/\d+)"[^>]*>([^<]+)</a>')
_UPLOAD_ACTION = re.compile(
    r'<form method="post" enctype="multipart/form-data"[^>]*action="([^"]+)"'
)


def upload_from_page(client, consultation_id: int, data: bytes, name: str, kind: str):
    """Fill the panel's upload form on the case page and send it, as a browser would."""
    page = client.get(f"/consultations/{consultation_id}")
    action = _UPLOAD_ACTION.search(page.text)
    assert action, "the case page has no upload form"
    return client.post(
        action.group(1),
        data={
            "csrf_token": csrf_token(page.text),
            "next": f"/consultations/{consultation_id}",
            "kind": kind,
            "file": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_the_patient_uploads_lists_and_downloads_on_the_case_page(setup):
    consultation = setup.book(NEXT_WEEK)
    client = setup.client_for(setup.patient)
    empty = client.get(f"/consultations/{consultation.id}").text
    assert "Medical documents" in empty and "No documents have been shared yet." in empty

    page = upload_from_page(client, consultation.id, MINIMAL_PDF, "Befund Müller.pdf", "pathology")
    assert page.status_code == 200
    assert "Your document is uploaded" in page.text
    [(href, name)] = _DOWNLOAD_LINK.findall(page.text)
    assert name == "Befund Müller.pdf"
    assert "Pathology report" in page.text and "by Petra Paulsen" in page.text
    download = client.get(href)
    assert download.status_code == 200
    assert download.data == MINIMAL_PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")


def test_a_refused_file_is_explained_on_the_case_page(setup):
    consultation = setup.book(NEXT_WEEK)
    client = setup.client_for(setup.patient)
    page = upload_from_page(client, consultation.id, b"MZ\x90\x00 not a pdf", "a.pdf", "other")
    assert "This type of file is not accepted" in page.text
    assert _DOWNLOAD_LINK.findall(page.text) == []


def test_the_specialist_lists_and_downloads_the_patients_documents(setup):
    consultation = setup.book(NEXT_WEEK)
    upload_from_page(
        setup.client_for(setup.patient), consultation.id, MINIMAL_PDF, "scan.pdf", "imaging_report"
    )
    doctor = setup.client_for(setup.doctor)
    page = doctor.get(f"/consultations/{consultation.id}").text
    [(href, name)] = _DOWNLOAD_LINK.findall(page)
    assert name == "scan.pdf" and "Imaging (report or images)" in page
    assert "by Petra Paulsen" in page
    # The specialist shares with the patient, so the form says so (not "the specialist").
    assert "Only you and the patient can see them." in page
    assert doctor.get(href).data == MINIMAL_PDF
    db.session.expire_all()
    reads = db.session.scalars(
        select(AuditEvent.actor_id).where(AuditEvent.action == "document.viewed")
    ).all()
    assert reads == [setup.doctor.id]


def test_a_third_party_gets_404_for_the_panel_the_upload_and_the_file(setup):
    consultation = setup.book(NEXT_WEEK)
    page = upload_from_page(
        setup.client_for(setup.patient), consultation.id, MINIMAL_PDF, "secret.pdf", "other"
    )
    [(href, _)] = _DOWNLOAD_LINK.findall(page.text)
    intruder = setup.client_for(setup.other)
    assert intruder.get(f"/consultations/{consultation.id}").status_code == 404
    response = intruder.get(href)
    assert response.status_code == 404 and MINIMAL_PDF not in response.data
    token = csrf_token(intruder.get("/consultations").text)
    response = intruder.post(
        f"/consultations/{consultation.id}/documents",
        data={"csrf_token": token, "kind": "other", "file": (io.BytesIO(MINIMAL_PDF), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Document)) == 1
