"""The reminders API, the consultation page's panel and channel change, the admin list."""

from __future__ import annotations

from sqlalchemy import select

from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.models import Reminder
from telesecond.services.reminders.dispatch import dispatch_due_reminders
from tests.reminders.scenario import local
from tests.web_forms import csrf_token, login

START = (2026, 3, 5, 11)


def test_api_lists_each_participant_their_own_reminders(
    app, client, sms_patient, make_account, auth_header, book_consultation, make_specialist
):
    specialist = make_specialist()
    c = book_consultation(sms_patient, specialist, start=local(*START))
    dispatch_due_reminders(clock=utcnow)

    mine = client.get(f"/api/v1/consultations/{c.id}/reminders", headers=auth_header(sms_patient))
    assert mine.status_code == 200
    items = mine.json["items"]
    assert [(i["kind"], i["channel"], i["status"]) for i in items] == [
        ("confirmation", "email", "sent"),
        ("confirmation", "sms", "sent"),
        ("reminder", "email", "pending"),
        ("reminder", "email", "pending"),
        ("reminder", "sms", "pending"),
        ("reminder", "sms", "pending"),
    ]
    assert items[2]["due_at"] == "2026-03-02T10:00:00Z"
    theirs = client.get(f"/api/v1/consultations/{c.id}/reminders", headers=auth_header(specialist))
    assert [(i["kind"], i["status"]) for i in theirs.json["items"]] == [("confirmation", "sent")]

    stranger = make_account()
    other = client.get(f"/api/v1/consultations/{c.id}/reminders", headers=auth_header(stranger))
    assert other.status_code == 404
    assert other.headers["Content-Type"].startswith("application/problem+json")
    missing = client.get("/api/v1/consultations/999999/reminders", headers=auth_header(sms_patient))
    assert missing.status_code == 404
    assert client.get(f"/api/v1/consultations/{c.id}/reminders").status_code == 401


def test_patient_sees_reminders_and_switches_to_email_only(
    app, client, sms_patient, book_consultation, make_specialist
):
    specialist = make_specialist()
    c = book_consultation(sms_patient, specialist, start=local(*START))
    login(client, sms_patient)
    page = client.get(f"/consultations/{c.id}")
    assert page.status_code == 200
    assert 'id="reminders"' in page.text
    assert "Text message (SMS)" in page.text and "Planned" in page.text

    response = client.post(
        f"/consultations/{c.id}/reminders",
        data={"channels": ["email"], "csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 302
    db.session.expire_all()
    pending = db.session.scalars(
        select(Reminder).where(
            Reminder.consultation_id == c.id,
            Reminder.kind == "reminder",
            Reminder.status == "pending",
        )
    ).all()
    assert {r.channel for r in pending} == {"email"}
    assert sms_patient.notify_by == "email"

    # And back: the SMS rows are planned again (same slots, no duplicates).
    page = client.get(f"/consultations/{c.id}")
    client.post(
        f"/consultations/{c.id}/reminders",
        data={"channels": ["email", "sms"], "csrf_token": csrf_token(page.text)},
    )
    db.session.expire_all()
    sms = db.session.scalars(
        select(Reminder).where(
            Reminder.consultation_id == c.id,
            Reminder.channel == "sms",
            Reminder.kind == "reminder",
        )
    ).all()
    assert sorted(r.status for r in sms) == ["pending", "pending"]


def test_sms_choice_without_consent_is_refused_with_a_message(
    app, client, make_account, book_consultation, make_specialist
):
    specialist = make_specialist()
    patient = make_account(notify_by="email")
    c = book_consultation(patient, specialist, start=local(*START))
    login(client, patient)
    page = client.get(f"/consultations/{c.id}")
    response = client.post(
        f"/consultations/{c.id}/reminders",
        data={"channels": ["sms"], "csrf_token": csrf_token(page.text)},
        follow_redirects=True,
    )
    assert "Text messages need a mobile number" in response.text
    db.session.expire_all()
    assert patient.notify_by == "email"
    bogus = client.post(
        f"/consultations/{c.id}/reminders",
        data={"channels": ["fax"], "csrf_token": csrf_token(page.text)},
        follow_redirects=True,
    )
    assert bogus.status_code == 200 and "Choose email, text message, or both." in bogus.text


def test_channel_change_needs_csrf_and_the_patient(
    app, client, sms_patient, book_consultation, make_specialist
):
    specialist = make_specialist()
    c = book_consultation(sms_patient, specialist, start=local(*START))
    login(client, specialist)
    page = client.get(f"/consultations/{c.id}")
    refused = client.post(
        f"/consultations/{c.id}/reminders",
        data={"channels": ["email"], "csrf_token": csrf_token(page.text)},
    )
    assert refused.status_code == 404
    assert client.post(f"/consultations/{c.id}/reminders", data={}).status_code == 400


def test_specialist_opts_in_to_a_message_before_each_consultation(
    app, client, clock, sms_patient, book_consultation, smtp_server, make_specialist
):
    specialist = make_specialist()
    c = book_consultation(sms_patient, specialist, start=local(*START))
    login(client, specialist)
    page = client.get("/account/reminders")
    assert page.status_code == 200
    client.post(
        "/account/reminders", data={"channel": "email", "csrf_token": csrf_token(page.text)}
    )
    refused = client.post(
        "/account/reminders", data={"channel": "sms", "csrf_token": csrf_token(page.text)}
    )
    assert refused.status_code == 422 and "Text messages need a mobile number" in refused.text

    row = db.session.scalars(
        select(Reminder).where(
            Reminder.consultation_id == c.id,
            Reminder.recipient_id == specialist.id,
            Reminder.kind == "reminder",
        )
    ).one()
    assert (row.channel, row.due_at, row.status) == ("email", local(2026, 3, 5, 10, 45), "pending")
    clock.now = row.due_at
    dispatch_due_reminders(clock=utcnow)
    assert smtp_server.messages_to(specialist.email)


def test_admin_sees_failed_sends_without_health_information(
    app, client, make_account, book_consultation, clock, fake_twilio, make_specialist
):
    specialist = make_specialist()
    patient = make_account(notify_by="sms", phone="+4915199999999", sms_consent_at=clock())
    fake_twilio.fail_for_number("+4915199999999", code=21211)
    c = book_consultation(patient, specialist, start=local(*START))
    clock.now = local(2026, 3, 4, 11)
    dispatch_due_reminders(clock=utcnow)
    failed = db.session.scalars(
        select(Reminder).where(Reminder.status == "failed", Reminder.kind == "reminder")
    ).all()
    assert len(failed) == 1

    admin = make_account(role="admin")
    login(client, admin)
    page = client.get("/admin/reminders")
    assert page.status_code == 200
    assert f"reminder-{failed[0].id}" in page.text and "21211" in page.text
    assert c.current_diagnosis not in page.text and c.reason not in page.text

    login(client, patient)
    assert client.get("/admin/reminders").status_code == 403
