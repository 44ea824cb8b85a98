"""Guessing passwords is slow: per address, per client address, and across the sign-in forms.

- Failed sign-ins are counted per normalised email, for any address (account or not, so
  the answers never tell which): after five, the address waits 1 minute, then 2, 4 ...
  (capped), with ``429`` and ``Retry-After``, on the HTML form and the token endpoint.
- ``/login``, ``/register``, ``POST /api/v1/tokens`` and ``POST /api/v1/accounts`` draw on
  one budget per client address (``LOGIN_RATE_LIMIT``).
- The client address is the connection's own unless ``TRUSTED_PROXIES`` says how many
  proxies in front may name it in ``X-Forwarded-For``.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import AuditEvent
from tests.credentials import PASSWORD
from tests.web_forms import csrf_token

WRONG = "not-the-password-1"


def token_answer(client, email: str, password: str = WRONG, **headers):
    return client.post("/api/v1/tokens", json={"email": email, "password": password}, **headers)


def token_status(client, email: str, password: str = WRONG) -> int:
    return token_answer(client, email, password).status_code


def login_answer(client, email: str, password: str = WRONG, headers=None):
    token = csrf_token(client.get("/login").text)
    form = {"email": email, "password": password, "csrf_token": token}
    return client.post("/login", data=form, headers=headers or {})


def failed_ips() -> list[str | None]:
    """The client addresses of failed sign-ins in the audit log (read in the test's app)."""
    db.session.expire_all()
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login.failed"))
    return [row.ip for row in rows]


# -- per address ------------------------------------------------------------------------


def test_five_failures_make_the_address_wait_longer_each_time(client, make_account, clock):
    account = make_account()
    assert [token_status(client, account.email) for _ in range(5)] == [401] * 5

    refused = token_answer(client, account.email, PASSWORD)  # even the right password
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.headers["Retry-After"] == "60"
    assert "no-store" in refused.headers["Cache-Control"]

    clock.advance(seconds=61)
    assert token_status(client, account.email) == 401  # the sixth failure: 2 minutes
    assert token_answer(client, account.email).headers["Retry-After"] == "120"
    clock.advance(seconds=121)
    assert token_status(client, account.email) == 401  # the seventh: 4 minutes
    assert token_answer(client, account.email).headers["Retry-After"] == "240"


def test_the_wait_is_capped(client, make_account, clock):
    account = make_account()
    for _ in range(5):
        token_status(client, account.email)
    waits = []
    for _ in range(7):
        answer = token_answer(client, account.email)
        waits.append(int(answer.headers["Retry-After"]))
        clock.advance(seconds=waits[-1] + 1)
        assert token_status(client, account.email) == 401
    assert waits == [60, 120, 240, 480, 900, 900, 900]


def test_a_success_or_a_quiet_quarter_hour_starts_the_count_again(client, make_account, clock):
    account = make_account()
    for _ in range(4):
        token_status(client, account.email)
    assert token_status(client, account.email, PASSWORD) == 201
    assert [token_status(client, account.email) for _ in range(4)] == [401] * 4
    clock.advance(minutes=16)
    assert [token_status(client, account.email) for _ in range(4)] == [401] * 4
    assert token_status(client, account.email, PASSWORD) == 201


def test_an_address_without_an_account_is_answered_the_same(client, make_account, clock):
    account = make_account()

    def answers(email):
        seen = [token_answer(client, email) for _ in range(6)]
        clock.advance(seconds=61)
        seen += [token_answer(client, email) for _ in range(2)]
        return [(a.status_code, a.headers.get("Retry-After"), a.get_json()) for a in seen]

    assert answers(account.email) == answers("nobody-here@example.org")


def test_the_form_and_the_api_share_the_count_of_an_address(client, make_account):
    account = make_account()
    for _ in range(3):
        assert login_answer(client, account.email).status_code == 401
    for _ in range(2):
        assert token_status(client, account.email.upper()) == 401

    page = login_answer(client, f"  {account.email.upper()} ", PASSWORD)

    assert page.status_code == 429
    assert page.headers["Retry-After"] == "60"
    assert "Too many failed sign-ins" in page.text
    assert "1 minute" in page.text
    assert token_status(client, account.email, PASSWORD) == 429


def test_other_addresses_are_not_held_up(client, make_account):
    first, second = make_account(), make_account()
    for _ in range(5):
        token_status(client, first.email)

    assert token_status(client, first.email, PASSWORD) == 429
    assert token_status(client, second.email, PASSWORD) == 201


def test_every_worker_sees_the_count(make_app, make_account):
    """The count lives in the database: another app (another worker) refuses as well."""
    account = make_account()
    one, other = make_app().test_client(), make_app().test_client()
    for _ in range(5):
        assert token_status(one, account.email) == 401

    assert token_status(other, account.email, PASSWORD) == 429


# -- per client address -----------------------------------------------------------------


def test_forged_forwarded_for_headers_neither_dodge_the_limit_nor_reach_the_log(app, make_app):
    client = make_app(LOGIN_RATE_LIMIT="3 per minute").test_client()
    codes = [
        token_answer(
            client, f"guess{n}@example.org", headers={"X-Forwarded-For": f"198.51.100.{n}"}
        ).status_code
        for n in range(1, 6)
    ]

    assert codes == [401, 401, 401, 429, 429]
    assert failed_ips() == ["127.0.0.1"] * 3


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted_and_logged(app, make_app):
    client = make_app(LOGIN_RATE_LIMIT="2 per minute", TRUSTED_PROXIES=1).test_client()

    def attempt(n: int, forwarded: str) -> int:
        return token_answer(
            client, f"guess{n}@example.org", headers={"X-Forwarded-For": forwarded}
        ).status_code

    # The proxy appends the address it saw; anything before it is the client's say-so.
    assert attempt(1, "10.9.9.9, 203.0.113.7") == 401
    assert attempt(2, "10.8.8.8, 203.0.113.7") == 401
    assert attempt(3, "203.0.113.7") == 429
    assert attempt(4, "203.0.113.8") == 401
    assert failed_ips() == ["203.0.113.7", "203.0.113.7", "203.0.113.8"]


def test_sign_in_and_sign_up_forms_draw_on_one_budget(make_app):
    client = make_app(LOGIN_RATE_LIMIT="4 per minute").test_client()
    assert login_answer(client, "a@example.org").status_code == 401
    assert token_status(client, "b@example.org") == 401
    token = csrf_token(client.get("/register").text)
    assert client.post("/register", data={"csrf_token": token}).status_code == 422
    assert client.post("/api/v1/accounts", json={}).status_code == 422

    assert login_answer(client, "c@example.org").status_code == 429
    assert token_status(client, "d@example.org") == 429
    assert client.post("/register", data={"csrf_token": token}).status_code == 429
    assert client.post("/api/v1/accounts", json={}).status_code == 429


@pytest.mark.parametrize("path", ["/login", "/register"])
def test_reading_the_forms_costs_nothing(make_app, path):
    client = make_app(LOGIN_RATE_LIMIT="1 per minute").test_client()
    assert [client.get(path).status_code for _ in range(3)] == [200] * 3
