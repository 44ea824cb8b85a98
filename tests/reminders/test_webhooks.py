"""Twilio webhooks: signatures, delivery receipts moving forward only, STOP/START/HELP."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from telesecond.extensions import db
from telesecond.models import Account
from telesecond.models.reminder import Reminder
from telesecond.services.reminders.delivery import deliver
from tests.reminders.scenario import BASE_URL, PHONE
from tests.support.fake_twilio import TEST_AUTH_TOKEN

STATUS = "/webhooks/twilio/sms-status"
INBOUND = "/webhooks/twilio/sms-inbound"


def signature(url: str, form: dict[str, str], token: str = TEST_AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, form)


@pytest.fixture
def post(client):
    """POST a form as Twilio would, signed for the public URL unless told otherwise."""

    def send(path, form, *, sign: str | None = "public", headers=None):
        headers = dict(headers or {})
        if sign == "public":
            headers["X-Twilio-Signature"] = signature(BASE_URL + path, form)
        elif sign is not None:
            headers["X-Twilio-Signature"] = sign
        return client.post(path, data=form, headers=headers)

    return send


@pytest.fixture
def sent_sms(sms_patient, make_specialist, book_consultation, make_reminder, clock):
    """An SMS reminder that went out through the fake Twilio (status ``sent``)."""
    consultation = book_consultation(sms_patient, make_specialist(), n=20)
    row = make_reminder(sms_patient, consultation, channel="sms", slot="24h")
    outcome = deliver(row, now=clock())
    row.status, row.provider_ref = "sent", outcome.provider_ref
    db.session.commit()
    return row


def status_of(row: Reminder) -> str:
    db.session.expire_all()
    return db.session.get(Reminder, row.id).status


def receipt(sid: str, status: str, code: str | None = None) -> dict[str, str]:
    form = {"MessageSid": sid, "SmsSid": sid, "MessageStatus": status, "AccountSid": "AC1"}
    if code:
        form["ErrorCode"] = code
    return form


def twiml_messages(response) -> list[str]:
    assert response.status_code == 200
    assert response.mimetype in ("application/xml", "text/xml")
    root = ElementTree.fromstring(response.data)
    assert root.tag == "Response"
    return [m.text or "" for m in root.iter("Message")]


# -- signatures -------------------------------------------------------------------------


@pytest.mark.parametrize("path", [STATUS, INBOUND])
def test_missing_or_wrong_signatures_are_refused(post, sent_sms, sms_patient, path) -> None:
    form = {**receipt(sent_sms.provider_ref, "delivered"), "From": PHONE, "Body": "STOP"}

    assert post(path, form, sign=None).status_code == 403
    assert post(path, form, sign="bm90IGEgc2lnbmF0dXJl").status_code == 403
    other_token = signature(BASE_URL + path, form, token="f" * 32)
    assert post(path, form, sign=other_token).status_code == 403
    signed_elsewhere = signature("https://evil.example" + path, form)
    assert post(path, form, sign=signed_elsewhere).status_code == 403
    tampered = signature(BASE_URL + path, {**form, "Body": "HELLO"})
    assert post(path, form, sign=tampered).status_code == 403

    assert status_of(sent_sms) == "sent"
    db.session.refresh(sms_patient)
    assert not sms_patient.sms_opted_out


def test_without_public_base_url_the_proxied_request_url_is_signed(
    make_app, clock, fake_twilio, sent_sms
) -> None:
    proxied_app = make_app(
        CLOCK=clock, PUBLIC_BASE_URL="", TRUSTED_PROXIES=1, **fake_twilio.app_config()
    )
    client = proxied_app.test_client()
    form = receipt(sent_sms.provider_ref, "delivered")
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "sms.clinic.example"}
    good = signature("https://sms.clinic.example" + STATUS, form)
    internal = signature("http://localhost" + STATUS, form)

    refused = client.post(STATUS, data=form, headers={**proxied, "X-Twilio-Signature": internal})
    accepted = client.post(STATUS, data=form, headers={**proxied, "X-Twilio-Signature": good})

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert status_of(sent_sms) == "delivered"


def test_without_a_trusted_proxy_forwarded_headers_do_not_change_the_signed_url(
    app, client, sent_sms
) -> None:
    app.config["PUBLIC_BASE_URL_SET"] = False
    form = receipt(sent_sms.provider_ref, "delivered")
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "sms.clinic.example"}
    claimed = signature("https://sms.clinic.example" + STATUS, form)
    own = signature("http://localhost" + STATUS, form)

    refused = client.post(STATUS, data=form, headers={**forged, "X-Twilio-Signature": claimed})
    accepted = client.post(STATUS, data=form, headers={**forged, "X-Twilio-Signature": own})

    assert refused.status_code == 403
    assert accepted.status_code == 200


@pytest.mark.parametrize("proxies", [0, 1])
def test_with_public_base_url_forwarded_headers_never_change_the_signed_url(
    make_app, clock, fake_twilio, sent_sms, proxies
) -> None:
    """Behind a trusted proxy or not, Twilio signed the configured address."""
    client = make_app(
        CLOCK=clock,
        PUBLIC_BASE_URL=BASE_URL,
        TRUSTED_PROXIES=proxies,
        **fake_twilio.app_config(),
    ).test_client()
    form = receipt(sent_sms.provider_ref, "delivered")
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "sms.clinic.example"}
    claimed = signature("https://sms.clinic.example" + STATUS, form)
    own = signature(BASE_URL + STATUS, form)

    refused = client.post(STATUS, data=form, headers={**forged, "X-Twilio-Signature": claimed})
    accepted = client.post(STATUS, data=form, headers={**forged, "X-Twilio-Signature": own})

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert status_of(sent_sms) == "delivered"


def test_webhooks_need_no_csrf_token_and_refuse_get(post, client) -> None:
    assert post(STATUS, receipt("SMunknown", "sent")).status_code == 200
    assert client.get(STATUS).status_code == 405


# -- delivery receipts ----------------------------------------------------------------


def test_receipts_move_sent_to_delivered_and_ignore_duplicates_and_late_ones(
    post, sent_sms
) -> None:
    sid = sent_sms.provider_ref
    for status in ("queued", "sent"):
        assert post(STATUS, receipt(sid, status)).status_code == 200
        assert status_of(sent_sms) == "sent"

    assert post(STATUS, receipt(sid, "delivered")).status_code == 200
    assert status_of(sent_sms) == "delivered"
    assert post(STATUS, receipt(sid, "delivered")).status_code == 200  # duplicate
    # A late "undelivered" for a delivered SMS never moves it back.
    assert post(STATUS, receipt(sid, "undelivered", "30003")).status_code == 200
    assert status_of(sent_sms) == "delivered"


@pytest.mark.parametrize("status", ["failed", "undelivered"])
def test_failed_or_undelivered_receipts_mark_the_row_failed(post, sent_sms, status) -> None:
    assert post(STATUS, receipt(sent_sms.provider_ref, status, "30005")).status_code == 200

    db.session.expire_all()
    row = db.session.get(Reminder, sent_sms.id)
    assert row.status == "failed"
    assert "30005" in row.last_error
    assert post(STATUS, receipt(sent_sms.provider_ref, "delivered")).status_code == 200
    assert status_of(sent_sms) == "failed"


def test_an_undelivered_21610_receipt_opts_out_and_queues_an_email(
    post, sent_sms, sms_patient
) -> None:
    assert post(STATUS, receipt(sent_sms.provider_ref, "undelivered", "21610")).status_code == 200

    db.session.expire_all()
    assert db.session.get(Account, sms_patient.id).sms_opted_out
    email = db.session.scalar(
        select(Reminder).where(Reminder.channel == "email", Reminder.slot == sent_sms.slot)
    )
    assert (email.kind, email.status) == ("reminder", "pending")


def test_unknown_sids_get_200_and_change_nothing(post, sent_sms) -> None:
    assert post(STATUS, receipt("SM" + "0" * 32, "delivered")).status_code == 200
    assert post(STATUS, {"MessageStatus": "delivered"}).status_code == 200
    assert status_of(sent_sms) == "sent"


# -- inbound keywords ------------------------------------------------------------------


@pytest.mark.parametrize(
    "word",
    [
        "STOP",
        "stop",
        " Stop ",
        "STOPALL",
        "UNSUBSCRIBE",
        "CANCEL",
        "END",
        "QUIT",
        "REVOKE",
        "OPTOUT",
    ],
)
def test_stop_words_opt_the_sender_out_with_one_reply(post, sms_patient, word) -> None:
    replies = twiml_messages(post(INBOUND, {"From": PHONE, "To": "+15005550006", "Body": word}))

    assert len(replies) == 1
    assert "START" in replies[0]
    db.session.refresh(sms_patient)
    assert sms_patient.sms_opted_out


def test_after_stop_no_sms_is_sent_and_start_sends_again(
    app,
    post,
    sms_patient,
    make_specialist,
    book_consultation,
    make_reminder,
    fake_twilio,
    auth_header,
    clock,
) -> None:
    consultation = book_consultation(sms_patient, make_specialist(), n=20)
    api = app.test_client()

    twiml_messages(post(INBOUND, {"From": PHONE, "Body": "STOP"}))
    assert api.get("/api/v1/me", headers=auth_header(sms_patient)).get_json()["sms_opted_out"]
    db.session.expire_all()
    skipped = deliver(
        make_reminder(sms_patient, consultation, channel="sms", slot="a"), now=clock()
    )
    assert skipped.status == "skipped"
    assert fake_twilio.requests == []

    (reply,) = twiml_messages(post(INBOUND, {"From": PHONE, "Body": "START"}))
    assert "STOP" in reply
    assert (
        api.get("/api/v1/me", headers=auth_header(sms_patient)).get_json()["sms_opted_out"] is False
    )
    db.session.expire_all()
    sent = deliver(make_reminder(sms_patient, consultation, channel="sms", slot="b"), now=clock())
    assert sent.status == "sent"
    assert len(fake_twilio.messages) == 1


@pytest.mark.parametrize("word", ["UNSTOP", "yes"])
def test_other_start_words_opt_back_in(post, sms_patient, clock, word) -> None:
    sms_patient.sms_opted_out_at = clock()
    db.session.commit()

    twiml_messages(post(INBOUND, {"From": PHONE, "Body": word}))

    db.session.refresh(sms_patient)
    assert not sms_patient.sms_opted_out


def test_help_answers_with_the_service_contact_and_changes_nothing(app, post, sms_patient) -> None:
    app.config["SUPPORT_CONTACT"] = "+49 30 1234567"

    (reply,) = twiml_messages(post(INBOUND, {"From": PHONE, "Body": "HELP"}))

    assert "+49 30 1234567" in reply
    assert "telesecond" in reply
    db.session.refresh(sms_patient)
    assert not sms_patient.sms_opted_out


def test_other_texts_get_an_empty_answer_and_unknown_numbers_a_reply(post, sms_patient) -> None:
    assert twiml_messages(post(INBOUND, {"From": PHONE, "Body": "Can I move my call?"})) == []
    # STOP from a number we do not know still gets its confirmation (Twilio blocks it anyway).
    assert len(twiml_messages(post(INBOUND, {"From": "+15550001111", "Body": "STOP"}))) == 1
    db.session.refresh(sms_patient)
    assert not sms_patient.sms_opted_out
