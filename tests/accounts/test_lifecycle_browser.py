"""The password reset in Chromium: forgot, email through aiosmtpd, new password, sign in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.accounts.conftest import text_of
from tests.credentials import PASSWORD
from tests.support.accessibility import check_page

pytestmark = pytest.mark.browser

NEW = "violet-harbour-lamps-31"
FIRST_NEW = re.compile(r"^New password( \*)?$")


@pytest.fixture
def mail_live_app(make_app, clock, smtp_server, live_server_factory):
    """The app over HTTP, mailing through aiosmtpd; links point at the live server."""
    return live_server_factory(make_app(CLOCK=clock, **smtp_server.app_config()))


def test_forgot_password_email_reset_and_sign_in(
    mail_live_app, browser_page, smtp_server, make_account
):
    make_account(email="ruth@example.org", full_name="Ruth Ellis")
    page = browser_page
    page.goto(mail_live_app.url + "/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    check_page(page)
    page.get_by_label("Email address").fill("ruth@example.org")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    check_page(page)

    email = smtp_server.wait_for(1)[0]
    assert email["Subject"] == "Reset your telesecond password"
    link = re.search(r"http://\S+/reset-password/\S+", text_of(email)).group(0)
    assert link.startswith(mail_live_app.url)
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    check_page(page)
    page.get_by_label(FIRST_NEW).fill("password12")
    page.get_by_label("New password again").fill("password12")
    page.get_by_role("button", name="Set my new password").click()
    expect(page.locator(".field-errors")).to_contain_text("common password")
    check_page(page)  # the page with its errors too
    page.get_by_label(FIRST_NEW).fill(NEW)
    page.get_by_label("New password again").fill(NEW)
    page.get_by_role("button", name="Set my new password").click()
    expect(page.get_by_role("status")).to_contain_text("Your new password is set")

    page.get_by_label("Email address").fill("ruth@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not correct")
    page.get_by_label("Password").fill(NEW)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_contain_text("Signed in as Ruth Ellis")

    page.goto(link)  # the link was used
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    check_page(page)


def test_change_password_and_verify_pages_are_accessible(mail_live_app, browser_page, make_account):
    make_account(email="kit@example.org", email_verified=False)
    page = browser_page
    page.goto(mail_live_app.url + "/login")
    page.get_by_label("Email address").fill("kit@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(mail_live_app.url + "/account")
    expect(page.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Change your password").click()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    check_page(page)
    # Keyboard only: tab into the form, type, submit with Enter.
    page.get_by_label("Current password").focus()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(NEW)
    page.keyboard.press("Tab")
    page.keyboard.type(NEW)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your password is changed")
