"""Fixtures of the account lifecycle tests: an app whose mail goes to a real SMTP server."""

from __future__ import annotations

import re

import pytest

BASE = "https://second-opinion.example.org"
NEW_PASSWORD = "lantern-quietly-orbit-42"


@pytest.fixture
def mail_app(make_app, clock, smtp_server):
    """The app with the frozen clock, mailing through aiosmtpd on loopback, links on BASE."""
    app = make_app(CLOCK=clock, PUBLIC_BASE_URL=BASE, **smtp_server.app_config())
    with app.app_context():
        yield app


@pytest.fixture
def mail_client(mail_app):
    return mail_app.test_client()


def text_of(message) -> str:
    """The plain-text body of a received email."""
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message, path: str) -> str:
    """The token of the ``{BASE}{path}/<token>`` link in a received email."""
    match = re.search(re.escape(BASE + path) + r"/([A-Za-z0-9_-]+)", text_of(message))
    assert match, f"no {path} link in the email"
    return match.group(1)


def last_to(smtp_server, address: str, count: int = 1):
    """The latest of at least ``count`` messages to ``address``.

    Account emails leave during the request, so they have arrived once it has answered.
    """
    found = smtp_server.messages_to(address)
    assert len(found) >= count, f"expected {count} email(s) to {address}, got {len(found)}"
    return found[-1]
