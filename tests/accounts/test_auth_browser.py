"""Sign up, sign out and sign in again in a real Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_register_logout_login(live_app, browser_page):
    page = browser_page
    page.goto(live_app.url + "/")
    expect(page.get_by_role("note")).to_contain_text("not for emergencies")
    page.get_by_role("link", name="Create an account").first.click()
    # The browser's own zone is filled in by timezone.js; Chromium here runs in UTC.
    expect(page.get_by_label("Time zone")).to_have_value("UTC")
    page.get_by_label("Full name").fill("Rosalind Franklin")
    page.get_by_label("Email address").fill("rosalind@example.org")
    page.get_by_label("Password").fill("double-helix-1953")
    page.get_by_label("A patient looking for a second opinion").check()
    page.get_by_label("Time zone").fill("Europe/London")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="sign in").click()
    page.get_by_label("Email address").fill("rosalind@example.org")
    page.get_by_label("Password").fill("double-helix-1953")
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_app.url + "/account")
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    expect(page.locator("main")).to_contain_text("rosalind@example.org")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Email address").fill("rosalind@example.org")
    page.get_by_label("Password").fill("wrong-password-123")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not correct")
    page.get_by_label("Password").fill("double-helix-1953")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_contain_text("Signed in as Rosalind Franklin")
    expect(page.locator(".account-name")).to_have_text("Signed in as Rosalind Franklin")


def test_keyboard_users_can_skip_to_content(live_app, browser_page):
    page = browser_page
    page.goto(live_app.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
