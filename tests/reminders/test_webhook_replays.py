"""Twilio calls replayed later change nothing: each message and receipt is acted on once.

A signed request stays valid for ever, so whoever captured one (a log, a proxy) could
send it again. Inbound texts are known by their ``MessageSid``; delivery receipts by
``MessageSid`` and status. STOP and START take effect in the order their first copies
reached us: Twilio's requests do not say when Twilio received the text.
"""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from telesecond.extensions import db
from telesecond.models import Account, WebhookReceipt
from telesecond.models.reminder import Reminder
from telesecond.services.reminders.delivery import deliver
from tests.reminders.scenario import BASE_URL, PHONE
from tests.support.fake_twilio import TEST_AUTH_TOKEN

STATUS = "/webhooks/twilio/sms-status"
INBOUND = "/webhooks/twilio/sms-inbound"


@pytest.fixture
def twilio(client):
    """POST a form as Twilio does: signed for the public URL."""

    def send(path: str, form: dict[str, str]):
        signature = RequestValidator(TEST_AUTH_TOKEN).compute_signature(BASE_URL + path, form)
        response = client.post(path, data=form, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 200
        return response

    return send


def text(sid: str, body: str, number: str = PHONE) -> dict[str, str]:
    """An inbound text as Twilio posts it."""
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": "AC1",
        "From": number,
        "To": "+15005550006",
        "Body": body,
    }


def receipt(sid: str, status: str, code: str | None = None) -> dict[str, str]:
    form = {"MessageSid": sid, "SmsSid": sid, "MessageStatus": status, "AccountSid": "AC1"}
    if code:
        form["ErrorCode"] = code
    return form


def replies(response) -> list[str]:
    return [m.text or "" for m in ElementTree.fromstring(response.data).iter("Message")]


def opted_out(account: Account) -> bool:
    db.session.expire_all()
    return db.session.get(Account, account.id).sms_opted_out


def status_of(row: Reminder) -> str:
    db.session.expire_all()
    return db.session.get(Reminder, row.id).status


@pytest.fixture
def sent_sms(sms_patient, make_specialist, book_consultation, make_reminder, clock):
    """An SMS reminder that went out through the fake Twilio (status ``sent``)."""
    consultation = book_consultation(sms_patient, make_specialist(), n=20)
    row = make_reminder(sms_patient, consultation, channel="sms", slot="24h")
    outcome = deliver(row, now=clock())
    row.status, row.provider_ref = "sent", outcome.provider_ref
    db.session.commit()
    return row


# -- inbound texts ----------------------------------------------------------------------


def test_a_replayed_start_does_not_undo_a_later_stop(twilio, sms_patient, clock) -> None:
    start = text("SM" + "a" * 32, "START")
    twilio(INBOUND, text("SM" + "1" * 32, "STOP"))
    clock.advance(minutes=5)
    twilio(INBOUND, start)
    assert not opted_out(sms_patient)
    clock.advance(days=2)
    twilio(INBOUND, text("SM" + "2" * 32, "STOP"))
    assert opted_out(sms_patient)

    clock.advance(days=30)
    replayed = twilio(INBOUND, start)

    assert opted_out(sms_patient)
    assert replies(replayed) == []  # and no second "you are back" text to the patient


def test_a_replayed_stop_keeps_a_later_start(twilio, sms_patient, clock) -> None:
    stop = text("SM" + "b" * 32, "STOP")
    twilio(INBOUND, stop)
    clock.advance(hours=1)
    twilio(INBOUND, text("SM" + "3" * 32, "START"))

    clock.advance(days=3)
    assert replies(twilio(INBOUND, stop)) == []

    assert not opted_out(sms_patient)


def test_a_fresh_keyword_still_works_after_replays(twilio, sms_patient, clock) -> None:
    twilio(INBOUND, text("SM" + "c" * 32, "STOP"))
    twilio(INBOUND, text("SM" + "c" * 32, "STOP"))
    clock.advance(minutes=1)
    (reply,) = replies(twilio(INBOUND, text("SM" + "d" * 32, "START")))

    assert "STOP" in reply
    assert not opted_out(sms_patient)


def test_only_sids_are_kept_not_numbers_or_texts(twilio, sms_patient) -> None:
    twilio(INBOUND, text("SM" + "e" * 32, "STOP"))

    rows = db.session.scalars(select(WebhookReceipt)).all()
    assert [(row.kind, row.key) for row in rows] == [("sms-inbound", "SM" + "e" * 32)]
    assert rows[0].received_at.tzinfo is not None


# -- delivery receipts ------------------------------------------------------------------


def test_a_replayed_receipt_never_moves_a_status_back(twilio, sent_sms, clock) -> None:
    sid = sent_sms.provider_ref
    sent = receipt(sid, "sent")
    twilio(STATUS, sent)
    twilio(STATUS, receipt(sid, "delivered"))
    assert status_of(sent_sms) == "delivered"

    clock.advance(days=1)
    twilio(STATUS, sent)
    twilio(STATUS, receipt(sid, "undelivered", "30003"))

    assert status_of(sent_sms) == "delivered"


def test_a_replayed_21610_receipt_does_not_opt_out_again_after_start(
    twilio, sent_sms, sms_patient, clock
) -> None:
    opted_out_receipt = receipt(sent_sms.provider_ref, "undelivered", "21610")
    twilio(STATUS, opted_out_receipt)
    assert opted_out(sms_patient)
    emails = db.session.scalar(select(func.count()).where(Reminder.channel == "email"))
    clock.advance(hours=2)
    twilio(INBOUND, text("SM" + "f" * 32, "START"))
    assert not opted_out(sms_patient)

    clock.advance(days=1)
    twilio(STATUS, opted_out_receipt)

    assert not opted_out(sms_patient)
    assert db.session.scalar(select(func.count()).where(Reminder.channel == "email")) == emails


def test_each_receipt_acted_on_is_kept_once(twilio, sent_sms) -> None:
    sid = sent_sms.provider_ref
    for _ in range(3):
        twilio(STATUS, receipt(sid, "delivered"))

    keys = db.session.scalars(
        select(WebhookReceipt.key).where(WebhookReceipt.kind == "sms-status")
    ).all()
    assert keys == [f"{sid}/delivered"]
