"""Shared pytest fixtures: network guard, SMTP server, fake Twilio, live server, browser.

Loaded by ``tests/conftest.py`` through ``pytest_plugins = ["tests.plugins"]``.

Fixtures:

- ``_no_outside_network`` (autouse): refuses non-loopback connections; returns the
  :class:`~tests.support.netguard.NetGuard`. ``network_guard`` is the same object
  for tests that provoke a refusal on purpose (call ``take_violations()``).
- ``smtp_server``: :class:`~tests.support.smtp_server.SmtpTestServer` (``host``,
  ``port``, ``messages``, ``wait_for(n)``, ``app_config()``).
- ``fake_twilio``: :class:`~tests.support.fake_twilio.FakeTwilio` (``base_url``,
  ``messages``, ``fail_next``, ``fail_for_number``, ``delay_next``, ``reset``,
  ``app_config()``).
- ``live_server_factory``: ``start(app) -> LiveServer``, stopped after the test.
- ``chromium_browser`` (session) and ``browser_page`` (fresh context and page per test).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.support.browser import BrowserSession, ChromiumMissing, chromium_path
from tests.support.fake_twilio import FakeTwilio
from tests.support.live_server import LiveServer, start_live_server
from tests.support.netguard import NetGuard
from tests.support.smtp_server import SmtpTestServer


@pytest.fixture(autouse=True)
def _no_outside_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[NetGuard]:
    """Fail the test on any connection that would leave the machine."""
    guard = NetGuard()
    guard.install(monkeypatch)
    yield guard
    # An attempt whose error some library swallowed still fails the test.
    leftovers = guard.take_violations()
    if leftovers:
        pytest.fail(
            "test tried to reach the network outside loopback: " + "; ".join(leftovers),
            pytrace=False,
        )


@pytest.fixture
def network_guard(_no_outside_network: NetGuard) -> NetGuard:
    """The active guard, for tests that check refusals on purpose."""
    return _no_outside_network


@pytest.fixture
def smtp_server() -> Iterator[SmtpTestServer]:
    """A real aiosmtpd server on 127.0.0.1 collecting the messages it receives."""
    with SmtpTestServer() as server:
        yield server


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    """A fake Twilio REST API on 127.0.0.1; fails the test if a handler crashed."""
    with FakeTwilio() as fake:
        yield fake
    if fake.errors:
        pytest.fail(f"fake Twilio handler errors: {fake.errors!r}", pytrace=False)


@pytest.fixture
def live_server_factory() -> Iterator[Callable[[Any], LiveServer]]:
    """Return ``start(app)``; every server it started is stopped after the test."""
    started: list[LiveServer] = []

    def start(app: Any) -> LiveServer:
        server = start_live_server(app)
        started.append(server)
        # As scripts/run-dev does: links point at the address actually served, unless
        # the test chose its own base.
        if app.config.get("PUBLIC_BASE_URL") in (None, "", "http://localhost"):
            app.config["PUBLIC_BASE_URL"] = server.url
        return server

    yield start
    for server in reversed(started):
        server.stop()


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    """One headless system Chromium for the whole session (fails if not installed)."""
    missing = None
    try:
        chromium_path()
    except ChromiumMissing as exc:
        missing = str(exc)
    if missing:
        pytest.fail(missing, pytrace=False)
    session = BrowserSession()
    try:
        yield session.browser
    finally:
        session.close()


@pytest.fixture
def browser_page(chromium_browser: Browser) -> Iterator[Page]:
    """A Playwright ``Page`` in a fresh browser context, closed after the test."""
    # English without a region: 24-hour times, as the default language writes them (a US
    # browser gets a 12-hour clock; tests/i18n choose their browser's languages themselves).
    context = chromium_browser.new_context(locale="en")
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
    finally:
        context.close()
