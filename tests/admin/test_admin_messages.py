"""An admin sends a failed message again; it goes out through the next dispatch pass."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from telesecond.adapters import registry
from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.models import Reminder
from telesecond.services.reminders.dispatch import dispatch_due_reminders
from tests.admin.console import admin_client_fixture, admin_fixture, audit_rows  # noqa: F401
from tests.web_forms import csrf_token

PHONE = "+4915112345678"
START = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)


@pytest.fixture
def app(make_app, clock, fake_twilio):
    """SMS through the real twilio client against the fake Twilio server."""
    app = make_app(CLOCK=clock, **fake_twilio.app_config())
    with app.app_context():
        yield app
        registry.current().sms.close()


@pytest.fixture
def failed_sms(app, clock, make_account, make_specialist, book_consultation, fake_twilio):
    """A reminder by SMS that Twilio refused (a permanent error): status failed."""
    patient = make_account(
        notify_by="email", phone=PHONE, sms_consent_at=clock(), full_name="Pat Phone"
    )
    consultation = book_consultation(patient, make_specialist(), start=START)
    dispatch_due_reminders(clock=utcnow)  # the confirmation email
    row = Reminder(
        consultation_id=consultation.id,
        recipient_id=patient.id,
        kind="reminder",
        channel="sms",
        slot="24h",
        due_at=clock(),
        created_at=clock(),
        updated_at=clock(),
    )
    db.session.add(row)
    db.session.commit()
    fake_twilio.fail_next(400, 30006)
    dispatch_due_reminders(clock=utcnow)
    db.session.refresh(row)
    assert row.status == "failed" and fake_twilio.messages == []
    return row


def test_a_failed_sms_is_resent_through_the_next_dispatch_pass(
    app, admin, admin_client, failed_sms, fake_twilio, clock
):
    page = admin_client.get("/admin/reminders")
    assert page.status_code == 200
    assert f'action="/admin/reminders/{failed_sms.id}/resend"' in page.text
    clock.advance(minutes=3)

    response = admin_client.post(
        f"/admin/reminders/{failed_sms.id}/resend", data={"csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 302
    db.session.refresh(failed_sms)
    assert (failed_sms.status, failed_sms.due_at, failed_sms.attempts) == ("pending", clock(), 0)
    [event] = audit_rows("message.resent")
    assert (event.actor_id, event.target_type, event.target_id) == (
        admin.id,
        "reminder",
        str(failed_sms.id),
    )
    assert fake_twilio.messages == []  # nothing leaves from the page itself

    assert dispatch_due_reminders(clock=utcnow) == 1
    [sms] = fake_twilio.messages
    assert sms["to"] == PHONE
    db.session.refresh(failed_sms)
    assert failed_sms.status == "sent" and failed_sms.attempts == 1
    after = admin_client.get("/admin/reminders")
    assert f"/admin/reminders/{failed_sms.id}/resend" not in after.text


@pytest.mark.parametrize("status", ["pending", "sent", "unknown", "cancelled", "skipped"])
def test_only_failed_messages_can_be_resent(app, admin_client, make_account, make_reminder, status):
    row = make_reminder(make_account(), status=status)
    token = csrf_token(admin_client.get("/admin/reminders").text)
    response = admin_client.post(f"/admin/reminders/{row.id}/resend", data={"csrf_token": token})
    assert response.status_code == 409
    assert "Only a failed message can be sent again." in response.text
    db.session.refresh(row)
    assert row.status == status
    assert audit_rows("message.resent") == []


def test_resend_needs_a_known_message_and_the_form_token(app, admin_client, failed_sms):
    token = csrf_token(admin_client.get("/admin/reminders").text)
    assert (
        admin_client.post("/admin/reminders/987654/resend", data={"csrf_token": token}).status_code
        == 404
    )
    assert admin_client.post(f"/admin/reminders/{failed_sms.id}/resend").status_code == 400
    assert admin_client.get(f"/admin/reminders/{failed_sms.id}/resend").status_code == 405
    db.session.refresh(failed_sms)
    assert failed_sms.status == "failed"
