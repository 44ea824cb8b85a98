"""Two-factor sign-in in a real Chromium: a passkey on a virtual authenticator, TOTP pages.

WebAuthn needs a secure context: ``http://localhost`` is one, so the pages are opened
on ``localhost`` (the live server listens on 127.0.0.1), and the relying party is
``localhost``, taken from the request's host.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import Passkey, SignInSession
from tests.accounts.two_factor_steps import code_at, secret_of
from tests.credentials import PASSWORD
from tests.support.accessibility import check_page

pytestmark = pytest.mark.browser


@pytest.fixture
def on_localhost(make_app, clock, live_server_factory) -> str:
    """The app served and named by host name, as its PUBLIC_BASE_URL: a passkey's relying
    party is a domain, never an IP address."""
    app = make_app(CLOCK=clock)
    server = live_server_factory(app)
    app.config["PUBLIC_BASE_URL"] = f"http://localhost:{server.port}"
    return app.config["PUBLIC_BASE_URL"]


def sign_in_with_password(page, base: str, account) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email address").fill(account.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def test_a_passkey_is_added_and_signs_in(on_localhost, browser_page, make_account):
    page, base = browser_page, on_localhost
    patient = make_account(full_name="Ada Lovelace")
    virtual_authenticator(page)

    sign_in_with_password(page, base, patient)
    expect(page.get_by_role("status")).to_contain_text("Signed in as Ada Lovelace")
    page.goto(base + "/account/two-factor")
    expect(page.get_by_role("heading", name="Passkeys")).to_be_visible()
    check_page(page)
    page.get_by_label("Name for the new passkey").fill("Work laptop")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_role("status").first).to_contain_text("The passkey “Work laptop” is added.")
    expect(page.locator("main")).to_contain_text("Work laptop, added")
    db.session.expire_all()
    key = db.session.scalar(select(Passkey).where(Passkey.account_id == patient.id))
    assert key is not None and key.name == "Work laptop"
    count_after_registration = key.sign_count

    page.get_by_role("button", name="Log out").click()
    sign_in_with_password(page, base, patient)
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    check_page(page)
    # Keyboard: the passkey button is a real button, reached and pressed without a mouse.
    page.get_by_role("button", name="Use a passkey").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".account-name")).to_have_text("Signed in as Ada Lovelace")

    db.session.expire_all()
    session = db.session.scalar(
        select(SignInSession)
        .where(SignInSession.account_id == patient.id)
        .order_by(SignInSession.id.desc())
    )
    assert session.second_factor == "passkey"
    key = db.session.get(Passkey, key.id)
    assert key.sign_count > count_after_registration
    assert key.last_used_at is not None


def test_an_authenticator_app_is_set_up_in_the_browser(live_app, browser_page, make_account, clock):
    page, base = browser_page, live_app.url
    patient = make_account(full_name="Grace Hopper")
    sign_in_with_password(page, base, patient)
    expect(page.get_by_role("status")).to_contain_text("Signed in as Grace Hopper")
    page.goto(base + "/account")
    page.get_by_role("link", name="Two-factor sign-in").click()
    page.get_by_role("button", name="Set up an authenticator app").click()
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    check_page(page)

    page.get_by_label("6-digit code from the app").fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")

    page.get_by_label("6-digit code from the app").fill(code_at(secret_of(patient), clock()))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    check_page(page)
    first_code = page.locator("#recovery-codes li").first.inner_text()

    page.get_by_role("button", name="Log out").click()
    sign_in_with_password(page, base, patient)
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    expect(page.get_by_role("button", name="Use a passkey")).to_have_count(0)
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(first_code)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".account-name")).to_have_text("Signed in as Grace Hopper")
