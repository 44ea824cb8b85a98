"""Invitation emails as the SMTP server receives them: MIME tree, iTIP method, calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import vobject
import vobject.icalendar

from telesecond.extensions import db
from telesecond.services.consultations import booking
from telesecond.services.reminders.delivery import deliver
from tests.factories import intake

MAIL_FROM = "Clinic Bookings <bookings@clinic.example>"
START = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)


def mime_tree(message) -> list[tuple[int, str]]:
    """(depth, content type) of every part, in order."""
    tree: list[tuple[int, str]] = []

    def walk(part, depth: int) -> None:
        tree.append((depth, part.get_content_type()))
        if part.is_multipart():
            for child in part.iter_parts():
                walk(child, depth + 1)

    walk(message, 0)
    return tree


def subject(message) -> str:
    """The subject as a mail client shows it (folding may leave a leading space)."""
    return str(message["Subject"]).strip()


def parts(message) -> dict[str, object]:
    found = {}
    for part in message.walk():
        if not part.is_multipart():
            found.setdefault(part.get_content_type(), part)
    return found


def vobject_event(data: bytes):
    """The VEVENT as vobject reads it, with only this document's zones registered."""
    registry = vars(vobject.icalendar)["__tzidMap"]
    registry.clear()
    vobject.icalendar.registerTzid("UTC", vobject.icalendar.utc)
    return vobject.readOne(data.decode("utf-8")).vevent


@pytest.fixture
def booked(app, clock, make_account, make_specialist, book_consultation):
    app.config["MAIL_FROM"] = MAIL_FROM
    doctor = make_specialist(full_name="Anna Berg", timezone="Europe/Berlin")
    patient = make_account(full_name="Sam Patient", timezone="America/New_York")
    consultation = book_consultation(patient, doctor, start=START)
    return patient, doctor, consultation


def send(make_reminder, smtp_server, clock, recipient, consultation, kind):
    before = len(smtp_server.messages)
    outcome = deliver(make_reminder(recipient, consultation, kind=kind), now=clock())
    assert outcome.status == "sent", outcome
    received = smtp_server.wait_for(before + 1)[-1]
    assert received["Message-ID"] == outcome.provider_ref
    return received


@pytest.mark.parametrize("who", ["patient", "specialist"])
def test_confirmation_is_an_imip_request_in_the_recipients_zone(
    booked, make_reminder, smtp_server, clock, who
) -> None:
    patient, doctor, consultation = booked
    recipient = patient if who == "patient" else doctor
    zone = recipient.timezone

    email = send(make_reminder, smtp_server, clock, recipient, consultation, "confirmation")

    assert mime_tree(email) == [
        (0, "multipart/mixed"),
        (1, "multipart/alternative"),
        (2, "text/plain"),
        (2, "text/html"),
        (2, "text/calendar"),
        (1, "application/ics"),
    ]
    found = parts(email)
    calendar_part = found["text/calendar"]
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_param("charset") == "UTF-8"
    attachment = found["application/ics"]
    assert attachment.get_filename() == "invite.ics"
    data = attachment.get_payload(decode=True)
    assert calendar_part.get_payload(decode=True) == data
    assert b"\r\nEND:VEVENT\r\n" in data  # CRLF survives the trip

    calendar = icalendar.Calendar.from_ical(data)
    (event,) = calendar.events
    assert str(calendar["METHOD"]) == calendar_part.get_param("method")
    assert email.rcpt_tos == (recipient.email,)
    assert email["From"].addresses[0].addr_spec == "bookings@clinic.example"
    assert str(event["ORGANIZER"]) == "mailto:bookings@clinic.example"
    assert int(event["SEQUENCE"]) == consultation.sequence == 0
    assert event["DTSTART"].params["TZID"] == zone
    assert event.start.astimezone(UTC) == START
    assert event["UID"] == f"consultation-{consultation.id}@clinic.example"

    seen = vobject_event(data)
    assert seen.dtstart.value.astimezone(UTC) == START
    assert seen.uid.value == event["UID"]
    assert int(seen.sequence.value) == 0

    local = "09:00 EST" if who == "patient" else "15:00 CET"
    assert subject(email) == f"Your telesecond consultation on Wed 4 Mar 2026, {local}"
    text = found["text/plain"].get_content()
    assert f"/consultations/{consultation.id}/join" in text
    # Each calendar names the other person: the patient sees the specialist, and back.
    other = "Dr Anna Berg" if who == "patient" else "Sam Patient"
    assert str(event["SUMMARY"]) == f"Video consultation with {other}"


def test_no_health_information_in_subject_summary_or_bodies(
    booked, make_reminder, smtp_server, clock
) -> None:
    patient, _, consultation = booked
    email = send(make_reminder, smtp_server, clock, patient, consultation, "confirmation")
    data = parts(email)["application/ics"].get_content()
    event = icalendar.Calendar.from_ical(data).events[0]
    case = intake()
    texts = [
        str(email["Subject"]),
        str(event["SUMMARY"]),
        str(event["DESCRIPTION"]),
        parts(email)["text/plain"].get_content(),
        parts(email)["text/html"].get_content(),
    ]
    for secret in (case.current_diagnosis, case.reason, case.proposed_treatment, "carcinoma"):
        for text in texts:
            assert secret.lower() not in text.lower()


def test_reschedule_sends_a_request_with_the_next_sequence_and_same_uid(
    booked, make_reminder, smtp_server, clock
) -> None:
    patient, _, consultation = booked
    first = send(make_reminder, smtp_server, clock, patient, consultation, "confirmation")
    moved = booking.reschedule(
        patient, consultation.id, START + timedelta(days=1), now=clock(), cutoff_hours=0
    )
    db.session.commit()

    email = send(make_reminder, smtp_server, clock, patient, moved, "rescheduled")

    old = icalendar.Calendar.from_ical(
        parts(first)["text/calendar"].get_payload(decode=True)
    ).events[0]
    new = icalendar.Calendar.from_ical(
        parts(email)["text/calendar"].get_payload(decode=True)
    ).events[0]
    assert parts(email)["text/calendar"].get_param("method") == "REQUEST"
    assert new["UID"] == old["UID"]
    assert int(new["SEQUENCE"]) == moved.sequence == int(old["SEQUENCE"]) + 1
    assert new.start.astimezone(UTC) == START + timedelta(days=1)
    assert subject(email) == "Moved: your telesecond consultation, now on Thu 5 Mar 2026, 09:00 EST"
    assert vobject_event(parts(email)["application/ics"].get_content()).sequence.value == "1"


def test_cancellation_sends_cancel_to_both(booked, make_reminder, smtp_server, clock) -> None:
    patient, doctor, consultation = booked
    booking.cancel(patient, consultation.id, reason="", now=clock(), cutoff_hours=0)
    db.session.commit()

    for recipient in (patient, doctor):
        email = send(make_reminder, smtp_server, clock, recipient, consultation, "cancelled")
        part = parts(email)["text/calendar"]
        calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
        (event,) = calendar.events
        assert part.get_param("method") == str(calendar["METHOD"]) == "CANCEL"
        assert str(event["STATUS"]) == "CANCELLED"
        assert int(event["SEQUENCE"]) == consultation.sequence >= 1
        assert subject(email).startswith("Cancelled: your telesecond consultation on ")
        assert "/join" not in parts(email)["text/plain"].get_content()
        assert vobject_event(parts(email)["application/ics"].get_content()).status.value == (
            "CANCELLED"
        )


def test_a_confirmation_due_after_a_cancellation_is_skipped_not_sent(
    booked, make_reminder, smtp_server, clock
) -> None:
    patient, _, consultation = booked
    booking.cancel(patient, consultation.id, reason="", now=clock(), cutoff_hours=0)
    db.session.commit()

    outcome = deliver(make_reminder(patient, consultation, kind="confirmation"), now=clock())

    assert outcome.status == "skipped"
    assert smtp_server.messages == []
