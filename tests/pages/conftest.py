"""The crawl's fixtures: one seeded world, three servers on it, one browser context per role.

Built once for the module (seeding and signing in are the slow parts); the tests only
read pages, so sharing them between tests changes nothing a test asserts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from telesecond import create_app
from telesecond.clock import FrozenClock
from telesecond.extensions import db
from tests.conftest import base_config, wipe
from tests.credentials import PASSWORD
from tests.pages.plan import DESKTOP
from tests.pages.scenario import START, Scenario, seed
from tests.support.fake_stripe import FakeStripe
from tests.support.fake_twilio import FakeTwilio
from tests.support.live_server import LiveServer, start_live_server
from tests.video.fake_twilio_rooms import TwilioVideoRooms

OUTSIDE = re.compile(r"^(?!(https?|wss?)://127\.0\.0\.1[:/])")


# The video app also asks the patient's doctor for a code before showing the opinion.
CODE_CHECK = {"PHYSICIAN_LINK_CHECK": "code"}


@dataclass
class Site:
    """The seeded scenario and the servers that show it (``main``; ``paid``: with Stripe;
    ``video``: with Twilio Video)."""

    scenario: Scenario
    apps: dict[str, Any]
    servers: dict[str, LiveServer]

    def url(self, server: str, path: str) -> str:
        return self.servers[server].url + path


@pytest.fixture(scope="module")
def site(database_url, tmp_path_factory) -> Iterator[Site]:
    """The apps on the test database and one frozen clock, seeded, served on loopback."""
    clock = FrozenClock(START)
    tmp = tmp_path_factory.mktemp("pages")
    wipe(database_url)  # the scenario's ids and emails are its own
    with FakeStripe() as stripe, FakeTwilio() as twilio:
        rooms = TwilioVideoRooms(twilio)
        main = create_app({**base_config(database_url, tmp), "CLOCK": clock})
        paid = create_app({**base_config(database_url, tmp), "CLOCK": clock, **stripe.app_config()})
        video = create_app(
            {**base_config(database_url, tmp), "CLOCK": clock, **rooms.app_config(), **CODE_CHECK}
        )
        apps = {"main": main, "paid": paid, "video": video}
        servers: dict[str, LiveServer] = {}
        try:
            scenario = seed(main, paid, video, stripe, clock)
            for name, app in apps.items():
                servers[name] = start_live_server(app)
                app.config["PUBLIC_BASE_URL"] = servers[name].url
            yield Site(scenario, apps, servers)
        finally:
            for server in servers.values():
                server.stop()
            for app in apps.values():
                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()
            wipe(database_url)
        assert not stripe.errors, stripe.errors
        assert not twilio.errors, twilio.errors


@dataclass
class Browsers:
    """One context (cookies, language) per role, signed in on first use."""

    browser: Browser
    site: Site
    locale: str = "en"
    contexts: dict[str, BrowserContext] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)

    def page(self, role: str) -> Page:
        if role not in self.pages:
            context = self.browser.new_context(locale=self.locale)
            # Nothing leaves the machine: the call page's Twilio script is refused its servers.
            context.route(OUTSIDE, lambda route: route.abort())
            context.route_web_socket(OUTSIDE, lambda socket: socket.close())
            self.contexts[role] = context
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.set_viewport_size(DESKTOP)
            email = self.site.scenario.emails.get(role)
            if email:
                self._sign_in(page, role, email)
            self.pages[role] = page
        return self.pages[role]

    def _sign_in(self, page: Page, role: str, email: str) -> None:
        # By the fields' names: the labels are in the browser's language.
        page.goto(self.site.url("main", "/login"))
        form = page.locator("main form[method=post]")
        form.locator("input[name=email]").fill(email)
        form.locator("input[name=password]").fill(PASSWORD)
        form.locator("[type=submit]").click()
        if role == "two-step":  # left at the second step, as the page to check
            expect(page).to_have_url(self.site.url("main", "/login/second-factor"))
        else:
            expect(page.locator(".account-name")).to_be_visible()

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()


def _browsers(chromium_browser: Browser, site: Site, locale: str) -> Iterator[Callable]:
    browsers = Browsers(chromium_browser, site, locale)
    try:
        yield browsers.page
    finally:
        browsers.close()


@pytest.fixture(scope="module")
def role_page(chromium_browser: Browser, site: Site) -> Iterator[Callable[[str], Page]]:
    """``role_page(role)``: that role's page (English), signed in once per module."""
    yield from _browsers(chromium_browser, site, "en")


@pytest.fixture(scope="module")
def spanish_page(chromium_browser: Browser, site: Site) -> Iterator[Callable[[str], Page]]:
    """``spanish_page(role)``: as ``role_page``, in a browser that asks for Spanish."""
    yield from _browsers(chromium_browser, site, "es-ES")
