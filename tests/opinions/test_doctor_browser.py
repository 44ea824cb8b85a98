"""In Chromium, axe-checked: the doctor opens the shared opinion with the code from the
second email; the patient sees the timeline and that the doctor opened it, and withdraws
the link from the consultation page; the admin reads the turnaround figures."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.services.opinions import physician_links
from tests.accounts.accessibility import check_page
from tests.credentials import PASSWORD
from tests.opinions.scenario import SUMMARY, write_signed

pytestmark = pytest.mark.browser

CODE = re.compile(r"^\s+([A-Z2-9]{4}-[A-Z2-9]{4})\s*$", re.M)
SETTINGS = {"PHYSICIAN_LINK_CHECK": "code"}


@pytest.fixture
def app(make_app, clock, smtp_server):
    app = make_app(CLOCK=clock, **SETTINGS, **smtp_server.app_config())
    with app.app_context():
        yield app


@pytest.fixture
def served(make_app, clock, smtp_server, live_server_factory):
    return live_server_factory(make_app(CLOCK=clock, **SETTINGS, **smtp_server.app_config()))


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".account-name")).to_be_visible()


def test_the_doctor_opens_it_with_the_code_and_the_patient_withdraws_it(
    served, browser_page, consultation, smtp_server, clock, make_account
):
    consultation.patient.timezone = "America/New_York"
    db.session.commit()
    clock.advance(days=1)
    write_signed(consultation, now=utcnow(), copy_to_doctor=False)
    shared = physician_links.create(
        consultation.patient, consultation.id, physician_email="gp@praxis.example", now=utcnow()
    )
    _, code_mail = smtp_server.wait_for(2)
    [code] = CODE.findall(code_mail.get_body(preferencelist=("plain",)).get_content())
    link = served.url + urlsplit(shared.url).path

    # -- the doctor: the check first, a wrong code, then the right one ------------------
    page = browser_page
    page.goto(link)
    expect(page.get_by_role("heading", name="Open a shared second opinion")).to_be_visible()
    expect(page.get_by_text(SUMMARY)).to_have_count(0)
    check_page(page)
    page.get_by_label("Access code").fill("AAAA-AAAA")
    page.get_by_role("button", name="Open the opinion").click()
    expect(page.get_by_role("alert")).to_contain_text("4 tries left")
    expect(page.get_by_label("Access code")).to_have_attribute("aria-invalid", "true")
    check_page(page)
    page.get_by_label("Access code").fill(code)
    page.keyboard.press("Enter")
    expect(page.get_by_text(SUMMARY)).to_be_visible()
    check_page(page)

    # -- the patient: the timeline, the doctor's visit, withdrawing ----------------------
    patient = page.context.browser.new_context(locale="en").new_page()
    sign_in(patient, served.url, consultation.patient.email)
    patient.goto(f"{served.url}/consultations/{consultation.id}")
    timeline = patient.get_by_role("region", name="Timeline")
    expect(timeline.locator("[data-kind=delivered]")).to_contain_text(
        "Tue 03 Mar 2026, 04:00 (America/New_York, EST)"
    )
    expect(timeline.locator("[data-kind=opened]")).to_contain_text("Opened by your doctor")
    patient.locator("#doctor > summary").click()  # the folded section
    doctor = patient.locator("#doctor")
    expect(doctor).to_contain_text("Opened by your doctor Tue 03 Mar 2026, 04:00")
    check_page(patient)
    doctor.get_by_role("button", name="Withdraw the link").click()
    expect(patient.get_by_role("status")).to_contain_text("The link is withdrawn")
    expect(patient.locator("#doctor")).to_contain_text("No longer works")

    page.goto(link)
    expect(page.get_by_text(SUMMARY)).to_have_count(0)
    expect(page.get_by_text("This link is not valid")).to_be_visible()

    # -- the patient's doctor form: errors beside the field, keyboard only --------------
    patient.goto(f"{served.url}/consultations/{consultation.id}/doctor")
    patient.get_by_label("Your doctor's email address").fill("nope")
    patient.get_by_label("Your doctor's email address").press("Enter")
    expect(patient.get_by_role("alert")).to_contain_text("Give your doctor's email address.")
    check_page(patient)
    patient.context.close()


def test_the_admin_reads_the_turnaround_page(served, browser_page, consultation, make_account):
    admin = make_account(role="admin", email="boss@clinic.example")
    sign_in(browser_page, served.url, admin.email)
    browser_page.goto(served.url + "/admin")
    browser_page.get_by_role("link", name="Opinion turnaround").click()
    expect(browser_page.get_by_role("heading", name="Opinion turnaround")).to_be_visible()
    expect(browser_page.locator("#turnaround-overdue")).to_have_text("0")
    check_page(browser_page)
