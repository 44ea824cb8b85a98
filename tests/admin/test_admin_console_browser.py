"""The demo admin walks the console in Chromium on a phone, by keyboard where it counts;
every page passes axe-core (WCAG 2.1 A/AA) and none scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from telesecond.services.demo import DEMO_ADMIN, DEMO_PASSWORD
from tests.support.accessibility import PHONE, axe_violations, check_page, sideways_overflow

pytestmark = pytest.mark.browser


@pytest.fixture
def console(
    app, live_server_factory, make_account, make_specialist, book_consultation, make_reminder
):
    """The demo data, a booked consultation and a failed message, served on loopback."""
    seeded = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert seeded.exit_code == 0, seeded.output
    patient = make_account(full_name="Robin Keyboard", email="robin@example.org")
    consultation = book_consultation(patient, make_specialist(full_name="Dr Tab Index"))
    make_reminder(patient, consultation, status="failed", attempts=6, last_error="Scripted 30006")
    return live_server_factory(app), consultation


def follow(page, name: str) -> None:
    """Go to a link from the keyboard: focus it, press Enter."""
    link = page.get_by_role("link", name=name, exact=True).first
    link.focus()
    expect(link).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def press_enter(page, locator) -> None:
    """Send a form from the keyboard and wait for the page that answers."""
    with page.expect_navigation():
        locator.press("Enter")


def test_demo_admin_walks_the_console(console, browser_page):
    server, consultation = console
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(server.url + "/login")
    page.get_by_label("Email address").fill(DEMO_ADMIN)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    press_enter(page, page.get_by_label("Password"))
    expect(page.get_by_role("status")).to_contain_text("Signed in")

    page.goto(server.url + "/admin")
    expect(page.get_by_role("heading", name="Admin console")).to_be_visible()
    expect(page.locator("#count-failed")).to_have_text("1 needing attention")
    expect(page.get_by_role("link", name="Specialists")).to_have_attribute(
        "href", "/admin/specialists"
    )
    check_page(page)

    follow(page, "Users")
    expect(page.get_by_role("heading", name="Users", exact=True)).to_be_visible()
    page.get_by_label("Name or email address").fill("robin")
    press_enter(page, page.get_by_label("Name or email address"))
    expect(page.get_by_role("table")).to_contain_text("robin@example.org")
    check_page(page)
    follow(page, "robin@example.org")
    expect(page.get_by_role("heading", name="Robin Keyboard")).to_be_visible()
    check_page(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Deactivate account").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why")
    check_page(page)

    page.goto(server.url + "/admin/users?role=wizard")
    expect(page.get_by_role("alert")).to_contain_text("Choose a value from the list.")
    check_page(page)

    page.goto(server.url + "/admin")
    follow(page, "Consultations")
    page.get_by_label("Status").select_option("confirmed")
    press_enter(page, page.get_by_role("button", name="Filter"))
    expect(page.locator(f"#consultation-{consultation.id}")).to_be_visible()
    check_page(page)
    follow(page, f"#{consultation.id}")
    expect(page.get_by_role("heading", name=f"Consultation #{consultation.id}")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Booked")
    check_page(page)

    page.goto(server.url + "/admin")
    follow(page, "Audit log")
    page.get_by_label("Action").fill("consultation")
    press_enter(page, page.get_by_label("Action"))
    expect(page.get_by_role("table")).to_contain_text("consultation.viewed")
    check_page(page)

    page.goto(server.url + "/admin")
    follow(page, "Failed messages")
    check_page(page)
    resend = page.get_by_role("button", name="Resend")
    resend.focus()
    press_enter(page, resend)
    expect(page.get_by_role("status")).to_contain_text("will go out again")
    expect(page.get_by_role("button", name="Resend")).to_have_count(0)
    check_page(page)

    page.goto(server.url + "/admin")
    follow(page, "Opinion shares")
    check_page(page)


def test_the_page_checks_see_what_they_look_for(browser_page):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.set_content(
        '<html lang="en"><title>t</title><main><img src="data:,">'
        '<div style="width:900px">wide</div></main></html>'
    )
    assert any(v.startswith("image-alt") for v in axe_violations(page))
    assert sideways_overflow(page) > 0
