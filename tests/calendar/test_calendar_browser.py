"""In Chromium: download a consultation's invite and subscribe to the calendar feed."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.calendar.ical import read_one, unfolded
from tests.calendar.scenario import START
from tests.credentials import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".account-name")).to_be_visible()


def test_download_the_invite_then_subscribe(people, book_people, live_app, browser_page, tmp_path):
    c = book_people()
    page = browser_page
    sign_in(page, live_app.url, people.patient.email)

    page.goto(f"{live_app.url}/consultations/{c.id}")
    page.get_by_text("Add to your calendar", exact=True).click()  # the folded section
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the invitation (.ics)").click()
    download = info.value
    assert download.suggested_filename == f"consultation-{c.id}.ics"
    saved = tmp_path / "invite.ics"
    download.save_as(saved)
    method, event = read_one(Path(saved).read_bytes())
    assert (method, event.start, event.sequence) == ("REQUEST", START, 0)
    assert "DTSTART;TZID=Europe/Berlin:20260311T150000" in unfolded(saved.read_bytes())

    page.get_by_role("link", name="subscribe to your calendar feed").click()
    expect(page.get_by_role("heading", name="Calendar subscription")).to_be_visible()
    page.get_by_role("button", name="Create my subscription address").click()
    ready = page.get_by_role("status").filter(has_text="subscription address is ready")
    expect(ready).to_be_visible()
    https = page.get_by_label("Web address (Google Calendar: “From URL”)").input_value()
    webcal = page.get_by_label("Subscription address (Apple Calendar, Outlook)").input_value()
    assert https.startswith(live_app.url + "/calendar/")
    assert webcal == "webcal://" + https.removeprefix("http://")

    feed = page.request.get(https)
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert f"consultation-{c.id}@" in feed.text()

    page.get_by_role("button", name="Stop the subscription").click()
    stopped = page.get_by_role("status").filter(has_text="subscription is stopped")
    expect(stopped).to_be_visible()
    assert page.request.get(https).status == 404
