"""The test infrastructure itself: network guard, SMTP server, fake Twilio, live server, browser."""

from __future__ import annotations

import contextlib
import os
import smtplib
import socket
import time
from email.message import EmailMessage

import pytest
import requests
from flask import Flask

from tests.support.fake_twilio import FakeTwilio
from tests.support.live_server import start_live_server
from tests.support.netguard import NetGuard, OutsideNetworkError, is_loopback_host

pytest_plugins = ["pytester"]

# --- network guard -------------------------------------------------------------


def test_connect_to_a_private_address_is_refused_at_once(network_guard: NetGuard) -> None:
    started = time.monotonic()
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(OutsideNetworkError, match=r"10\.255\.255\.1:80"),
    ):
        sock.connect(("10.255.255.1", 80))
    # 10.255.255.1 is unroutable: a real connect would hang until a timeout.
    assert time.monotonic() - started < 1
    assert network_guard.take_violations() == ["connect to 10.255.255.1:80"]


def test_connect_ex_and_ipv6_are_refused_too(network_guard: NetGuard) -> None:
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(OutsideNetworkError),
    ):
        sock.connect_ex(("10.255.255.1", 80))
    with (
        socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock,
        pytest.raises(OutsideNetworkError),
    ):
        sock.connect(("2001:db8::1", 443, 0, 0))
    assert len(network_guard.take_violations()) == 2


def test_remote_names_are_refused_before_any_dns_lookup(network_guard: NetGuard) -> None:
    with pytest.raises(OutsideNetworkError, match="example.com"):
        socket.create_connection(("example.com", 80), timeout=1)
    with pytest.raises(OutsideNetworkError, match="example.com"):
        socket.getaddrinfo("example.com", 443)
    assert len(network_guard.take_violations()) == 2


def test_http_libraries_cannot_turn_the_refusal_into_a_retryable_error(
    network_guard: NetGuard,
) -> None:
    # Not an OSError, so requests/urllib3 do not wrap it into ConnectionError.
    with pytest.raises(OutsideNetworkError):
        requests.get("http://example.com/", timeout=1)
    assert network_guard.take_violations()


def test_a_swallowed_refusal_is_still_recorded(network_guard: NetGuard) -> None:
    # A careless library swallowing every exception:
    with contextlib.suppress(Exception):
        socket.create_connection(("10.255.255.1", 25), timeout=1)
    assert network_guard.take_violations() == ["create_connection to 10.255.255.1:25"]


def test_a_swallowed_refusal_fails_the_test_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import socket

        def test_hides_the_error():
            try:
                socket.create_connection(("10.255.255.1", 80), timeout=1)
            except Exception:
                pass
        """
    )
    result = pytester.runpytest_inprocess("-p", "tests.plugins", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*network outside loopback*10.255.255.1:80*"])


def test_loopback_tcp_and_unix_sockets_are_allowed(tmp_path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            pass
        with socket.create_connection(("localhost", port), timeout=1):
            pass
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            assert sock.connect_ex(("127.0.0.1", port)) == 0
    path = str(tmp_path / "s.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(path)
        listener.listen()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(path)


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("localhost", True),
        (b"127.0.0.1", True),
        ("10.0.0.1", False),
        ("0.0.0.0", False),
        ("::ffff:10.0.0.1", False),
        ("example.com", False),
        ("localhost.example.com", False),
        (None, False),
    ],
)
def test_is_loopback_host(host, local: bool) -> None:
    assert is_loopback_host(host) is local


def test_redis_on_loopback_still_works() -> None:
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    with redis.Redis.from_url(url, socket_timeout=2) as client:
        try:
            assert client.ping() is True
        except redis.ConnectionError:
            pytest.skip(f"no Redis at {url}")


@pytest.mark.postgres_only
def test_postgresql_on_loopback_still_works() -> None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


# --- SMTP server -----------------------------------------------------------------


def test_smtp_server_collects_parsed_messages_with_their_envelope(smtp_server) -> None:
    message = EmailMessage()
    message["From"] = "Clinic <noreply@clinic.test>"
    message["To"] = "patient@example.org"
    message["Subject"] = "Grüße"
    message.set_content("Hello ✓\n")
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as smtp:
        smtp.send_message(message, to_addrs=["patient@example.org", "copy@example.org"])

    (received,) = smtp_server.wait_for(1)
    assert isinstance(received, EmailMessage)
    assert received.mail_from == "noreply@clinic.test"
    assert received.rcpt_tos == ("patient@example.org", "copy@example.org")
    assert received["Subject"] == "Grüße"
    assert received.get_content() == "Hello ✓\n"
    assert smtp_server.messages_to("COPY@example.org") == [received]


def test_smtp_server_wait_for_times_out_with_a_clear_message(smtp_server) -> None:
    with pytest.raises(AssertionError, match="expected 1 email"):
        smtp_server.wait_for(1, timeout=0.1)


def test_smtp_server_releases_its_port_when_stopped() -> None:
    from tests.support.smtp_server import SmtpTestServer

    with SmtpTestServer() as server:
        port = server.port
        assert port > 0
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


# --- fake Twilio (raw HTTP; the real client is exercised in tests/adapters) -------------


def _auth(fake: FakeTwilio) -> tuple[str, str]:
    return (fake.account_sid, fake.auth_token)


def _messages_url(fake: FakeTwilio) -> str:
    return f"{fake.base_url}/2010-04-01/Accounts/{fake.account_sid}/Messages.json"


def test_fake_twilio_creates_messages_like_twilio(fake_twilio: FakeTwilio) -> None:
    form = {"To": "+4915112345678", "MessagingServiceSid": "MG" + "1" * 32, "Body": "Hi"}
    response = requests.post(_messages_url(fake_twilio), data=form, auth=_auth(fake_twilio))
    assert response.status_code == 201
    body = response.json()
    assert body["sid"].startswith("SM") and len(body["sid"]) == 34
    assert int(body["sid"][2:], 16) >= 0
    assert body["status"] == "queued"
    assert body["error_code"] is None
    assert (body["to"], body["body"], body["from"]) == ("+4915112345678", "Hi", None)
    assert fake_twilio.messages[0]["sid"] == body["sid"]

    fetched = requests.get(
        f"{fake_twilio.base_url}{body['uri']}", auth=_auth(fake_twilio), timeout=5
    )
    assert fetched.status_code == 200
    assert fetched.json()["sid"] == body["sid"]


@pytest.mark.parametrize(
    "authorization",
    [None, ("AC" + "f" * 32, "wrong"), "Basic !!!not-base64", "Bearer token"],
)
def test_fake_twilio_requires_basic_auth(fake_twilio: FakeTwilio, authorization) -> None:
    headers = {}
    auth = None
    if isinstance(authorization, tuple):
        auth = authorization
    elif authorization:
        headers["Authorization"] = authorization
    response = requests.post(
        _messages_url(fake_twilio),
        data={"To": "+15551234567", "From": "+15550000000", "Body": "x"},
        auth=auth,
        headers=headers,
        timeout=5,
    )
    assert response.status_code == 401
    assert response.json()["code"] == 20003
    assert fake_twilio.messages == []
    assert len(fake_twilio.requests) == 1


def test_fake_twilio_scripts_failures_in_order_then_recovers(fake_twilio: FakeTwilio) -> None:
    fake_twilio.fail_next(status=429, code=20429, message="Too Many Requests")
    fake_twilio.fail_next(status=500, code=20500)
    form = {"To": "+15551234567", "From": "+15550000000", "Body": "x"}
    answers = [
        requests.post(_messages_url(fake_twilio), data=form, auth=_auth(fake_twilio), timeout=5)
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [429, 500, 201]
    assert answers[0].json() == {
        "code": 20429,
        "message": "Too Many Requests",
        "more_info": "https://www.twilio.com/docs/errors/20429",
        "status": 429,
    }
    assert fake_twilio.count() == 1


def test_fake_twilio_fails_for_a_number_until_reset(fake_twilio: FakeTwilio) -> None:
    fake_twilio.fail_for_number("+15551234567", code=21610)
    form = {"To": "+15551234567", "From": "+15550000000", "Body": "x"}
    url, auth = _messages_url(fake_twilio), _auth(fake_twilio)
    assert requests.post(url, data=form, auth=auth, timeout=5).json()["code"] == 21610
    other = {**form, "To": "+15557654321"}
    assert requests.post(url, data=other, auth=auth, timeout=5).status_code == 201
    fake_twilio.reset()
    assert fake_twilio.messages == [] and fake_twilio.requests == []
    assert requests.post(url, data=form, auth=auth, timeout=5).status_code == 201
    assert fake_twilio.messages_by_body() == {"x": fake_twilio.messages}


def test_fake_twilio_validates_like_twilio(fake_twilio: FakeTwilio) -> None:
    url, auth = _messages_url(fake_twilio), _auth(fake_twilio)
    cases = [
        ({"From": "+15550000000", "Body": "x"}, 21604),
        ({"To": "+15551234567", "Body": "x"}, 21603),
        ({"To": "+15551234567", "From": "+15550000000"}, 21602),
        ({"To": "12345", "From": "+15550000000", "Body": "x"}, 21211),
    ]
    for form, code in cases:
        response = requests.post(url, data=form, auth=auth, timeout=5)
        assert (response.status_code, response.json()["code"]) == (400, code)
    other_account = url.replace(fake_twilio.account_sid, "AC" + "9" * 32)
    assert requests.post(other_account, data=cases[0][0], auth=auth, timeout=5).status_code == 404
    unknown = requests.get(f"{fake_twilio.base_url}/v1/Nothing", auth=auth, timeout=5)
    assert unknown.status_code == 404
    assert fake_twilio.messages == []


def test_fake_twilio_delay_holds_the_answer(fake_twilio: FakeTwilio) -> None:
    fake_twilio.delay_next(0.3)
    form = {"To": "+15551234567", "From": "+15550000000", "Body": "x"}
    started = time.monotonic()
    response = requests.post(
        _messages_url(fake_twilio), data=form, auth=_auth(fake_twilio), timeout=5
    )
    assert response.status_code == 201
    assert time.monotonic() - started >= 0.3


def test_fake_twilio_stop_interrupts_a_pending_delay() -> None:
    fake = FakeTwilio().start()
    fake.delay_next(30)
    form = {"To": "+15551234567", "From": "+15550000000", "Body": "x"}
    with pytest.raises(requests.ReadTimeout):
        requests.post(_messages_url(fake), data=form, auth=_auth(fake), timeout=0.2)
    started = time.monotonic()
    fake.stop()
    assert time.monotonic() - started < 5
    assert fake.count() == 1  # it went out: the answer was what got lost
    assert fake.errors == []


def test_fake_twilio_keeps_the_connection_and_stop_hangs_up_on_it() -> None:
    fake = FakeTwilio().start()
    form = {"To": "+15551234567", "From": "+15550000000", "Body": "x"}
    with requests.Session() as session:
        for _ in range(3):
            response = session.post(_messages_url(fake), data=form, auth=_auth(fake), timeout=5)
            assert response.status_code == 201
        assert len({request.peer for request in fake.requests}) == 1  # one connection
        started = time.monotonic()
        fake.stop()  # the pooled connection is idle and open: the fake hangs up on it
        assert time.monotonic() - started < 5
    assert fake.count() == 3
    assert fake.errors == []


def test_fake_twilio_serves_extra_routes(fake_twilio: FakeTwilio) -> None:
    fake_twilio.add_route(
        "POST",
        r"/v1/Rooms/(?P<name>[^/]+)",
        lambda request: (200, {"name": request.match["name"], "form": request.form}),
    )
    response = requests.post(
        f"{fake_twilio.base_url}/v1/Rooms/abc",
        data={"Type": "group"},
        auth=_auth(fake_twilio),
        timeout=5,
    )
    assert response.json() == {"name": "abc", "form": {"Type": "group"}}


def test_fake_twilio_app_config_points_at_itself(fake_twilio: FakeTwilio) -> None:
    config = fake_twilio.app_config(messaging_service_sid=None, from_number="+15550000000")
    assert config == {
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": fake_twilio.account_sid,
        "TWILIO_AUTH_TOKEN": fake_twilio.auth_token,
        "TWILIO_MESSAGING_SERVICE_SID": None,
        "TWILIO_FROM_NUMBER": "+15550000000",
        "TWILIO_API_BASE_URL": fake_twilio.base_url,
    }


# --- live server and browser ---------------------------------------------------------


def _tiny_app() -> Flask:
    app = Flask("tiny")

    @app.get("/")
    def index() -> str:
        return "<!doctype html><title>tiny</title><h1>Second opinion, first class</h1>"

    return app


def test_live_server_serves_a_flask_app_until_stopped() -> None:
    live = start_live_server(_tiny_app())
    try:
        assert live.url.startswith("http://127.0.0.1:")
        response = requests.get(live.url + "/", timeout=5)
        assert response.status_code == 200
        assert "Second opinion" in response.text
    finally:
        live.stop()
    live.stop()  # idempotent
    with pytest.raises(requests.ConnectionError):
        requests.get(live.url + "/", timeout=1)


def test_live_server_factory_stops_servers_after_the_test(live_server_factory) -> None:
    live = live_server_factory(_tiny_app())
    assert requests.get(live.url, timeout=5).ok


@pytest.mark.browser
def test_browser_page_loads_a_page_from_the_live_server(browser_page, live_server_factory) -> None:
    live = live_server_factory(_tiny_app())
    browser_page.goto(live.url + "/")
    assert browser_page.locator("h1").inner_text() == "Second opinion, first class"
    assert browser_page.title() == "tiny"
