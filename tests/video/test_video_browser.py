"""In Chromium with fake media devices: the device test previews the camera; the countdown runs."""

from __future__ import annotations

import hashlib
import re

import pytest
from playwright.sync_api import expect

from telesecond.extensions import db
from telesecond.models.video import VideoGuest
from tests.credentials import PASSWORD
from tests.video.scenario import START

pytestmark = pytest.mark.browser


def test_device_test_shows_a_live_preview(live_app, browser_page):
    page = browser_page
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(live_app.url + "/video/device-test")
    expect(page.get_by_role("heading", name="Test your camera and microphone")).to_be_visible()

    page.get_by_role("button", name="Start the test").click()

    expect(page.get_by_role("status")).to_contain_text("Your camera and microphone work")
    video = page.locator("video[data-device-preview]")
    page.wait_for_function(
        "() => document.querySelector('video[data-device-preview]').videoWidth > 0"
    )
    first = video.evaluate("v => v.currentTime")
    page.wait_for_function(
        "t => document.querySelector('video[data-device-preview]').currentTime > t + 0.3", arg=first
    )
    # The fake microphone plays a tone: the level meter moves.
    page.wait_for_function("() => document.querySelector('#mic-level').value > 0")
    expect(page.get_by_label("Camera", exact=True)).to_be_enabled()
    assert page.get_by_label("Camera", exact=True).locator("option").count() >= 1

    page.get_by_role("button", name="Stop the test").click()
    expect(page.get_by_role("status")).to_contain_text("The test is stopped")
    assert video.evaluate("v => v.srcObject") is None
    assert problems == []


def test_join_page_counts_down_with_the_servers_clock(
    live_app, browser_page, make_account, make_specialist, book_consultation
):
    doctor = make_specialist()
    patient = make_account(timezone="Europe/Berlin")
    consultation = book_consultation(patient, doctor, n=8)  # Tuesday 09:00 Berlin
    page = browser_page
    page.goto(live_app.url + "/login")
    page.get_by_label("Email address").fill(patient.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.goto(live_app.url + f"/consultations/{consultation.id}/join")

    expect(page.get_by_role("heading", name="The video room is not open yet")).to_be_visible()
    # 23 h 45 min away by the app's (frozen) clock, whatever the machine's date is.
    expect(page.get_by_role("timer")).to_contain_text(
        re.compile(r"Opens in 23 hours 4[45] minutes")
    )
    # In the patient's own zone, not the device's (Chromium here runs in UTC).
    expect(page.locator("main")).to_contain_text("Tue 03 Mar 2026, 09:45 (Europe/Berlin, CET)")


def test_guest_page_shows_times_in_the_devices_zone(
    live_app, browser_page, make_account, make_specialist, book_consultation, clock
):
    doctor = make_specialist()
    patient = make_account(timezone="Europe/Berlin", full_name="Petra Patient")
    consultation = book_consultation(patient, doctor, n=8)
    token = "browser-guest-token"
    db.session.add(
        VideoGuest(
            consultation_id=consultation.id,
            name="Gerd",
            email="gerd@example.org",
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            invited_by_id=patient.id,
            created_at=clock(),
        )
    )
    db.session.commit()

    browser_page.goto(live_app.url + f"/video/guests/{token}")

    expect(
        browser_page.get_by_role("heading", name="The video room is not open yet")
    ).to_be_visible()
    opens = browser_page.locator("strong time[data-local-time]")
    expect(opens).to_contain_text("(UTC)")  # the guest's device zone
    expect(opens).to_contain_text("08:45")


def test_twilio_call_page_loads_the_vendored_library_and_the_local_camera(
    make_app, clock, live_server_factory, twilio_rooms, browser_page, people, consult
):
    app = make_app(CLOCK=clock, **twilio_rooms.app_config())
    with app.app_context():
        consultation = consult()
    server = live_server_factory(app)
    page = browser_page
    outside: list[str] = []

    def only_loopback(route):
        if route.request.url.startswith(server.url + "/"):
            route.continue_()
        else:  # nothing leaves the machine: Twilio's servers are not reachable from tests
            outside.append(route.request.url)
            route.abort()

    page.context.route("**/*", only_loopback)
    page.context.route_web_socket(re.compile(".*"), lambda ws: outside.append(ws.url))
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Security Policy" in m.text else None)
    page.on("pageerror", lambda e: refused.append(str(e)))
    page.goto(server.url + "/login")
    page.get_by_label("Email address").fill(people.patient.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    clock.now = START

    page.goto(server.url + f"/consultations/{consultation.id}/join")

    expect(page.get_by_role("heading", name="Video call")).to_be_visible()
    assert page.url == server.url + f"/consultations/{consultation.id}/call"
    assert page.evaluate("() => typeof Twilio.Video.version") == "string"
    page.wait_for_function(
        "() => { const v = document.querySelector('[data-call-local] video');"
        " return v && v.videoWidth > 0; }"
    )
    assert refused == []
    for _ in range(100):  # the library then opens Twilio's signalling socket (held here)
        if outside:
            break
        page.wait_for_timeout(100)
    assert outside == ["wss://global.vss.twilio.com/signaling"]
