"""Admins filter consultations and read one's timeline; each reading is audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from telesecond.clock import utcnow
from telesecond.services.consultations import booking, documents
from telesecond.services.opinions import second_opinion, signing
from telesecond.services.reminders.dispatch import dispatch_due_reminders
from tests.admin.console import admin_client_fixture, audit_rows  # noqa: F401
from tests.credentials import PASSWORD
from tests.file_samples import MINIMAL_PDF
from tests.web_forms import login

# 2026-03-03 in UTC; in Auckland (UTC+13) the first is still 3 March, the second 4 March.
EVENING_IN_AUCKLAND = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
NEXT_MORNING_IN_AUCKLAND = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)


@pytest.fixture(name="admin")
def auckland_admin(make_account):
    """An admin whose days are Auckland's."""
    return make_account(role="admin", timezone="Pacific/Auckland", email="kiri@example.org")


def ids_in(page_text: str, consultations) -> list[int]:
    return [c.id for c in consultations if f'id="consultation-{c.id}"' in page_text]


def test_filter_by_status_specialist_and_days_in_the_admins_zone(
    app, admin_client, make_account, make_specialist, book_consultation, clock
):
    patient = make_account()
    lind, berg = make_specialist(full_name="Dr Mira Lind"), make_specialist(full_name="Dr Berg")
    evening = book_consultation(patient, lind, start=EVENING_IN_AUCKLAND)
    morning = book_consultation(patient, lind, start=NEXT_MORNING_IN_AUCKLAND)
    second = make_account()
    other = book_consultation(second, berg, start=NEXT_MORNING_IN_AUCKLAND)
    booking.cancel(second, other.id, reason="", now=clock(), cutoff_hours=0)
    every = [evening, morning, other]

    listing = admin_client.get("/admin/consultations")
    assert listing.status_code == 200
    assert ids_in(listing.text, every) == [evening.id, morning.id, other.id]
    # The list names no patient: that is for the audited page of each consultation.
    assert patient.full_name not in listing.text

    def shown(**query):
        response = admin_client.get("/admin/consultations", query_string=query)
        assert response.status_code == 200, response.text
        return ids_in(response.text, every)

    assert shown(start="2026-03-03", end="2026-03-03") == [evening.id]
    assert shown(start="2026-03-04", end="2026-03-04") == [morning.id, other.id]
    assert shown(start="2026-03-04") == [morning.id, other.id]
    assert shown(end="2026-03-03") == [evening.id]
    assert shown(status="cancelled") == [other.id]
    assert shown(status="confirmed", specialist=lind.id) == [evening.id, morning.id]
    assert shown(specialist=berg.id, start="2026-03-04") == [other.id]


@pytest.mark.parametrize(
    "query, message",
    [
        ({"status": "lost"}, "Choose a value from the list."),
        ({"start": "2026-13-01"}, "Enter a date as YYYY-MM-DD"),
        ({"start": "0001-01-01"}, "Enter a date as YYYY-MM-DD"),
        ({"end": "9999-12-31"}, "Enter a date as YYYY-MM-DD"),
        ({"start": "2026-03-05", "end": "2026-03-04"}, "must not be before the start date"),
        ({"specialist": "abc"}, "Enter a whole number from 1."),
        ({"page": "-1"}, "Enter a whole number from 1."),
    ],
)
def test_bad_filters_are_form_errors(app, admin_client, query, message):
    response = admin_client.get("/admin/consultations", query_string=query)
    assert response.status_code == 422
    assert message in response.text


def test_timeline_tells_the_consultations_story_and_the_reading_is_audited(
    app, admin, admin_client, client, make_account, make_specialist, book_consultation, clock
):
    patient = make_account(full_name="Pat Example")
    specialist = make_specialist(full_name="Dr Mira Lind")
    consultation = book_consultation(patient, specialist, start=EVENING_IN_AUCKLAND)
    dispatch_due_reminders(clock=utcnow)  # the confirmations go out
    clock.advance(minutes=5)
    booking.reschedule(
        patient, consultation.id, NEXT_MORNING_IN_AUCKLAND, now=clock(), cutoff_hours=0
    )
    clock.advance(minutes=5)
    login(client, patient)
    assert client.get(f"/consultations/{consultation.id}").status_code == 200
    clock.advance(minutes=5)
    documents.upload(
        patient,
        consultation.id,
        filename="biopsy-report.pdf",
        kind="pathology",
        data=MINIMAL_PDF,
        now=clock(),
    )
    clock.advance(minutes=5)
    second_opinion.save_draft(
        specialist,
        consultation.id,
        diagnosis_assessment="refines",
        summary="A summary.",
        answers=["Yes.", "No."],
        recommendations="",
        ip=None,
        now=clock(),
    )
    app.config["OPINION_BEFORE_CALL"] = True  # signed from the records, before the call
    signing.sign(specialist, consultation.id, password=PASSWORD, otp=None, ip=None, now=clock())
    clock.advance(minutes=5)
    booking.cancel(patient, consultation.id, reason="Feeling better", now=clock(), cutoff_hours=0)
    assert audit_rows("consultation.viewed")[-1].actor_id == patient.id

    page = admin_client.get(f"/admin/consultations/{consultation.id}")
    assert page.status_code == 200
    text = page.text
    assert "Pat Example" in text and "Dr Mira Lind" in text
    story = [
        '<th scope="row" data-label="What">Booked</th>',
        "Confirmation email sent",
        '<th scope="row" data-label="What">Rescheduled</th>',
        "consultation.viewed",
        "Document uploaded (pathology)",
        "document.uploaded",
        "Opinion written",
        "Opinion signed",
        '<th scope="row" data-label="What">Cancelled</th>',
    ]
    positions = [text.find(line) for line in story]
    assert -1 not in positions, list(zip(story, positions, strict=True))
    assert positions == sorted(positions)
    assert "Feeling better" in text
    assert "biopsy-report.pdf" not in text and "A summary." not in text
    assert "2026-03-03T09:00:00+00:00 to 2026-03-03T12:00:00+00:00" in text

    viewed = audit_rows("consultation.viewed")[-1]
    assert (viewed.actor_id, viewed.target_type, viewed.target_id) == (
        admin.id,
        "consultation",
        str(consultation.id),
    )
    assert viewed.detail == {"as": "admin"}
    # A second look is a second read.
    admin_client.get(f"/admin/consultations/{consultation.id}")
    assert [e.actor_id for e in audit_rows("consultation.viewed")].count(admin.id) == 2


def test_an_unknown_consultation_is_404_and_reads_nothing(app, admin_client):
    assert admin_client.get("/admin/consultations/424242").status_code == 404
    assert admin_client.get("/admin/consultations/99999999999999").status_code == 404
    assert audit_rows("consultation.viewed") == []
