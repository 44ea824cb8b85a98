"""A specialist connects a calendar in a real Chromium and sees what became of it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.credentials import PASSWORD
from tests.scheduling.busy_calendars.ics import calendar, event

pytestmark = pytest.mark.browser

SECRET = "/published/2/MTk0NzU2NDQ5MjE5NDc1NsecretX"


def test_connect_see_the_result_and_the_error_then_remove(
    make_app, clock, live_server_factory, browser_page, make_specialist, ics_server
):
    server = live_server_factory(make_app(CLOCK=clock, BUSY_CALENDAR_ALLOW_LOCAL=True))
    doctor = make_specialist(timezone="Europe/Berlin")
    rota = calendar(event("r", "DTSTART:20260303T090000Z", "DTEND:20260303T100000Z"))
    url = ics_server.serve(SECRET, rota)

    page = browser_page
    page.goto(server.url + "/login")
    page.get_by_label("Email address").fill(doctor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(server.url + "/specialist/availability")

    section = page.locator("#busy-calendars")
    expect(section.get_by_role("heading", name="Your own calendars")).to_be_visible()
    page.get_by_label("Secret address of your calendar").fill(url)
    page.get_by_label("Name (optional)").fill("Hospital rota")
    page.get_by_role("button", name="Connect calendar").click()

    expect(page.get_by_role("status").first).to_contain_text("1 busy time ahead now blocks")
    card = section.get_by_role("article", name="Hospital rota")
    expect(card).to_contain_text("127.0.0.1/…")
    expect(card).to_contain_text("Last read:")
    assert "secretX" not in page.content()

    ics_server.serve(SECRET, b"<html>Sign in to Google</html>")
    clock.advance(minutes=5)
    page.get_by_role("button", name="Refresh now Hospital rota").click()
    expect(page.get_by_role("status").first).to_contain_text("We could not refresh")
    expect(card.locator(".notice-error")).to_contain_text("did not return a calendar")
    expect(card).to_contain_text("still block your slots")

    page.get_by_role("button", name="Remove Hospital rota").click()
    expect(section).to_contain_text("You have not connected a calendar.")
