"""Filling in the HTML forms from a test client: the CSRF token, the login form."""

from __future__ import annotations

import re

from tests.credentials import PASSWORD

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token from a rendered form."""
    match = _CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client, account) -> None:
    """Sign the client in as the account through the login form."""
    token = csrf_token(client.get("/login").text)
    response = client.post(
        "/login", data={"email": account.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.text
