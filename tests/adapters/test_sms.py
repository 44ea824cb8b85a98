"""SMS adapters: the real twilio client against the fake Twilio API, and the console one."""

from __future__ import annotations

import io
import logging
import socket
from collections.abc import Callable, Iterator

import pytest

from telesecond.adapters.registry import build_sms_sender
from telesecond.adapters.sms import (
    ConsoleSms,
    SmsMessage,
    SmsResult,
    TwilioSms,
    classify_twilio_error,
    mask_number,
)
from telesecond.adapters.twilio_http import BaseUrlTwilioHttpClient, build_twilio_client
from tests.support.fake_twilio import TEST_MESSAGING_SERVICE_SID, FakeRequest, FakeTwilio

NUMBER = "+4915112345678"
BODY = "Clinic: your video consultation is on 3 Mar at 10:00 CET. https://t.example/j/abc"
CALLBACK = "https://clinic.example/webhooks/twilio/sms-status"

MakeSms = Callable[..., TwilioSms]


@pytest.fixture
def make_sms(fake_twilio: FakeTwilio) -> Iterator[MakeSms]:
    """Build TwilioSms senders aimed at the fake; all are closed afterwards."""
    made: list[TwilioSms] = []

    def make(**overrides) -> TwilioSms:
        options = {
            "messaging_service_sid": TEST_MESSAGING_SERVICE_SID,
            "api_base_url": fake_twilio.base_url,
            "timeout": 2,
        }
        options.update(overrides)
        account_sid = options.pop("account_sid", fake_twilio.account_sid)
        auth_token = options.pop("auth_token", fake_twilio.auth_token)
        sms = TwilioSms(account_sid, auth_token, **options)
        made.append(sms)
        return sms

    yield make
    for sms in made:
        sms.close()


def test_sends_through_a_messaging_service(make_sms: MakeSms, fake_twilio: FakeTwilio) -> None:
    result = make_sms().send(
        SmsMessage(NUMBER, BODY, status_callback=CALLBACK, validity_seconds=3600)
    )

    (sent,) = fake_twilio.messages
    assert result == SmsResult(status="accepted", provider_id=sent["sid"])
    assert sent["form"] == {
        "To": NUMBER,
        "Body": BODY,
        "MessagingServiceSid": TEST_MESSAGING_SERVICE_SID,
        "StatusCallback": CALLBACK,
        "ValidityPeriod": "3600",
    }
    (request,) = fake_twilio.requests
    assert request.original_host == "api.twilio.com"
    assert request.username == fake_twilio.account_sid


@pytest.mark.parametrize(("seconds", "sent_as"), [(0, "1"), (-30, "1"), (90_000, "36000")])
def test_validity_is_kept_inside_twilios_range(
    make_sms: MakeSms, fake_twilio: FakeTwilio, seconds: int, sent_as: str
) -> None:
    result = make_sms().send(SmsMessage(NUMBER, BODY, validity_seconds=seconds))

    assert result.status == "accepted"
    assert fake_twilio.messages[0]["form"]["ValidityPeriod"] == sent_as


def test_sends_from_a_number_without_optional_fields(
    make_sms: MakeSms, fake_twilio: FakeTwilio
) -> None:
    sms = make_sms(messaging_service_sid=None, from_number="+15005550006")
    result = sms.send(SmsMessage(NUMBER, "Hello"))

    assert result.status == "accepted"
    assert fake_twilio.messages[0]["form"] == {
        "To": NUMBER,
        "From": "+15005550006",
        "Body": "Hello",
    }


def test_wrong_credentials_are_a_permanent_failure(make_sms: MakeSms, fake_twilio: FakeTwilio):
    result = make_sms(auth_token="not-the-token").send(SmsMessage(NUMBER, BODY))

    assert result.status == "failed"
    assert result.error_code == 20003
    assert fake_twilio.messages == []


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (400, 21211, "failed"),  # invalid To
        (400, 21610, "failed"),  # recipient replied STOP
        (400, 21614, "failed"),  # not a mobile number
        (429, 20429, "retry"),  # too many requests
        (500, 20500, "retry"),  # Twilio internal error
        (503, None, "retry"),
        (400, 30001, "retry"),  # queue overflow
    ],
)
def test_provider_errors_are_classified(
    make_sms: MakeSms, fake_twilio: FakeTwilio, status: int, code: int | None, expected: str
) -> None:
    fake_twilio.fail_next(status=status, code=code, message=f"The 'To' number {NUMBER} says no")

    result = make_sms().send(SmsMessage(NUMBER, BODY))

    assert result.status == expected
    assert result.provider_id is None
    assert result.error_code == code
    assert NUMBER not in (result.error or "")


def test_an_opted_out_number_fails_with_21610(make_sms: MakeSms, fake_twilio: FakeTwilio) -> None:
    fake_twilio.fail_for_number(NUMBER, code=21610)
    sms = make_sms()

    assert sms.send(SmsMessage(NUMBER, BODY)).error_code == 21610
    assert sms.send(SmsMessage("+4915199999999", BODY)).status == "accepted"


def test_a_timeout_after_sending_is_unknown(make_sms: MakeSms, fake_twilio: FakeTwilio) -> None:
    fake_twilio.delay_next(3)

    result = make_sms(timeout=0.5).send(SmsMessage(NUMBER, BODY))

    assert result.status == "unknown"
    assert result.provider_id is None
    # The request did reach the provider: resending blindly would double-send.
    assert fake_twilio.count(to=NUMBER) == 1


def test_a_refused_connection_is_retried(make_sms: MakeSms) -> None:
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        port = placeholder.getsockname()[1]
    # Nothing listens on the port any more: the request never left.

    result = make_sms(api_base_url=f"http://127.0.0.1:{port}").send(SmsMessage(NUMBER, BODY))

    assert result.status == "retry"


def test_logs_carry_neither_the_number_nor_the_body(
    make_sms: MakeSms, fake_twilio: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sms = make_sms()
    accepted = sms.send(SmsMessage(NUMBER, BODY))
    fake_twilio.fail_next(status=400, code=21211, message=f"The 'To' number {NUMBER} is invalid")
    failed = sms.send(SmsMessage(NUMBER, BODY))
    invalid = sms.send(SmsMessage("0049151", BODY))  # the fake echoes it back, as Twilio does

    assert (accepted.status, failed.status, invalid.status) == ("accepted", "failed", "failed")
    assert "***78" in caplog.text
    assert accepted.provider_id in caplog.text
    for secret in (NUMBER, "15112345678", BODY, "video consultation", "0049151"):
        assert secret not in caplog.text
        assert secret not in repr([accepted, failed, invalid])


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (400, 21211, "failed"),
        (400, 21408, "failed"),
        (400, 30006, "failed"),
        (401, 20003, "failed"),
        (400, 21602, "failed"),
        (429, 20429, "retry"),
        (429, None, "retry"),
        (400, 30003, "retry"),
        (502, 502, "retry"),
    ],
)
def test_classify_twilio_error(status: int, code: int | None, expected: str) -> None:
    assert classify_twilio_error(status, code) == expected


@pytest.mark.parametrize(
    ("number", "masked"),
    [("+4915112345678", "***78"), ("+1 (555) 010-0199", "***99"), ("7", "***7"), ("", "***")],
)
def test_mask_number_keeps_only_two_digits(number: str, masked: str) -> None:
    assert mask_number(number) == masked


# --- base URL rewriting ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("base_url", "url", "expected"),
    [
        (
            "http://127.0.0.1:9000",
            "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json",
            "http://127.0.0.1:9000/2010-04-01/Accounts/AC1/Messages.json",
        ),
        (
            "https://proxy.example/twilio/",
            "https://video.twilio.com/v1/Rooms?Status=completed",
            "https://proxy.example/twilio/v1/Rooms?Status=completed",
        ),
        (
            "https://proxy.example",
            "https://api.dublin.ie1.twilio.com/2010-04-01/Accounts.json",
            "https://proxy.example/2010-04-01/Accounts.json",
        ),
        ("https://proxy.example", "https://example.org/x", "https://example.org/x"),
        ("https://proxy.example", "https://nottwilio.com/x", "https://nottwilio.com/x"),
        (None, "https://api.twilio.com/x", "https://api.twilio.com/x"),
    ],
)
def test_rewrite_url(base_url: str | None, url: str, expected: str) -> None:
    client = BaseUrlTwilioHttpClient(base_url)
    try:
        assert client.rewrite_url(url) == expected
    finally:
        client.close()


@pytest.mark.parametrize("base_url", ["127.0.0.1:9000", "ftp://x", "http://x/?a=1", "https:///p"])
def test_a_bad_base_url_is_refused(base_url: str) -> None:
    with pytest.raises(ValueError, match="TWILIO_API_BASE_URL"):
        BaseUrlTwilioHttpClient(base_url)


def test_other_twilio_products_reach_the_fake_too(fake_twilio: FakeTwilio) -> None:
    def create_room(request: FakeRequest) -> tuple[int, dict]:
        return 201, {"sid": "RM" + "0" * 32, "unique_name": request.form["UniqueName"]}

    fake_twilio.add_route("POST", r"/v1/Rooms", create_room)
    client = build_twilio_client(
        fake_twilio.account_sid, fake_twilio.auth_token, api_base_url=fake_twilio.base_url
    )
    try:
        room = client.video.v1.rooms.create(unique_name="room-1")
    finally:
        client.http_client.close()

    assert room.unique_name == "room-1"
    assert fake_twilio.requests[0].original_host == "video.twilio.com"


# --- choosing a sender ---------------------------------------------------------------


def test_build_picks_twilio_from_settings(fake_twilio: FakeTwilio) -> None:
    sender = build_sms_sender({**fake_twilio.app_config(), "TWILIO_TIMEOUT": "3"})
    try:
        assert isinstance(sender, TwilioSms)
        assert sender.timeout == 3
        assert sender.send(SmsMessage(NUMBER, "Hi")).status == "accepted"
    finally:
        sender.close()
    assert fake_twilio.messages[0]["messaging_service_sid"] == TEST_MESSAGING_SERVICE_SID


@pytest.mark.parametrize("config", [{}, {"SMS_BACKEND": "console"}, {"SMS_BACKEND": " Console "}])
def test_build_defaults_to_console(config: dict) -> None:
    assert isinstance(build_sms_sender(config), ConsoleSms)


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"SMS_BACKEND": "carrier-pigeon"}, "SMS_BACKEND must be"),
        ({"TWILIO_ACCOUNT_SID": ""}, "TWILIO_ACCOUNT_SID"),
        ({"TWILIO_AUTH_TOKEN": None}, "TWILIO_AUTH_TOKEN"),
        (
            {"TWILIO_MESSAGING_SERVICE_SID": None, "TWILIO_FROM_NUMBER": " "},
            "TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER",
        ),
        ({"TWILIO_API_BASE_URL": "localhost:8080"}, "TWILIO_API_BASE_URL"),
    ],
)
def test_build_rejects_bad_settings(overrides: dict, complaint: str) -> None:
    config = {
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
        "TWILIO_AUTH_TOKEN": "secret-token",
        "TWILIO_MESSAGING_SERVICE_SID": "MG" + "1" * 32,
        **overrides,
    }
    with pytest.raises(ValueError, match=complaint) as caught:
        build_sms_sender(config)
    assert "secret-token" not in str(caught.value)


def test_twilio_sms_needs_a_sender_identity() -> None:
    with pytest.raises(ValueError, match="messaging_service_sid or a from_number"):
        TwilioSms("AC" + "1" * 32, "token")


# --- console --------------------------------------------------------------------------


def test_console_prints_and_accepts() -> None:
    stream = io.StringIO()
    sms = ConsoleSms(stream)

    result = sms.send(SmsMessage(NUMBER, BODY, status_callback=CALLBACK, validity_seconds=600))

    assert result.status == "accepted"
    assert result.provider_id and result.provider_id.startswith("CONSOLE")
    printed = stream.getvalue()
    for expected in (NUMBER, BODY, CALLBACK, "600s", result.provider_id):
        assert expected in printed
    assert sms.sent == [SmsMessage(NUMBER, BODY, CALLBACK, 600)]


def test_console_writes_to_stdout_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    ConsoleSms().send(SmsMessage(NUMBER, "Hello there"))
    assert "Hello there" in capsys.readouterr().out


def _env_free_of_requests_settings(monkeypatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def test_the_ca_bundle_is_read_once_without_a_proxy(
    monkeypatch, make_sms: MakeSms, fake_twilio: FakeTwilio
) -> None:
    _env_free_of_requests_settings(monkeypatch)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    client = BaseUrlTwilioHttpClient(fake_twilio.base_url)
    assert client.session.trust_env is False
    assert client.session.verify == "/etc/ssl/certs/ca-certificates.crt"
    client.close()
    # and the client still reaches the server
    assert make_sms().send(SmsMessage(to="+4915112345678", body="Hi")).status == "accepted"


def test_a_proxy_in_the_environment_is_still_honoured(monkeypatch, fake_twilio: FakeTwilio) -> None:
    _env_free_of_requests_settings(monkeypatch)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    client = BaseUrlTwilioHttpClient(fake_twilio.base_url)
    assert client.session.trust_env is True
    client.close()
