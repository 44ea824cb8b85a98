"""Steps the two-factor tests share: set up an authenticator, read codes, sign in."""

from __future__ import annotations

import re

import pyotp
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import AuditEvent, TotpCredential
from telesecond.services.accounts import second_factor
from tests.credentials import PASSWORD
from tests.web_forms import csrf_token

SECOND_STEP = "/login/second-factor"
_RECOVERY = re.compile(r"<code>([a-z2-7]{5}-[a-z2-7]{5})</code>")


def code_at(secret: str, when) -> str:
    """The code an authenticator app shows at ``when``."""
    return pyotp.TOTP(secret).at(when)


def secret_of(account) -> str:
    """The account's authenticator secret, as the app holds it."""
    db.session.expire_all()
    return db.session.get(TotpCredential, account.id).secret


def enrol_totp(account, clock) -> tuple[str, list[str]]:
    """Turn on an authenticator for ``account`` (as its page does); the secret and codes.

    The clock then moves to the next step, as a person would take a moment before
    signing in again: the step used to confirm can never be used twice.
    """
    row = second_factor.start_totp(account, now=clock())
    codes = second_factor.confirm_totp(account, code_at(row.secret, clock()), now=clock())
    secret = row.secret
    clock.advance(seconds=30)
    return secret, codes


def recovery_codes_in(html: str) -> list[str]:
    """The recovery codes a page shows."""
    return _RECOVERY.findall(html)


def password_step(client, account, password: str = PASSWORD, next_url: str | None = None):
    """Send the login form; the response (a redirect)."""
    token = csrf_token(client.get("/login").text)
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(
        url, data={"email": account.email, "password": password, "csrf_token": token}
    )


def send_code(client, code: str):
    """Send a code at the second step of signing in."""
    page = client.get(SECOND_STEP)
    assert page.status_code == 200, page.headers.get("Location")
    return client.post(SECOND_STEP, data={"code": code, "csrf_token": csrf_token(page.text)})


def opens_account(client) -> bool:
    """Whether the client is signed in (the account page opens)."""
    response = client.get("/account")
    if response.status_code == 302:
        return False
    assert response.status_code == 200, response.text
    return True


def audit_actions(prefix: str = "2fa.") -> list[tuple[str, dict | None]]:
    """The audit log's actions starting with ``prefix``, oldest first, with their detail."""
    db.session.expire_all()
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.startswith(prefix)).order_by(AuditEvent.id)
    )
    return [(row.action, row.detail) for row in rows]
