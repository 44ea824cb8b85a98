"""Records inside the intake, in Chromium on a phone (issue 19.2).

The patient uploads two records on the booking page (each with its progress), books, and
finds both on the consultation page; a bad file is named beside the field while the good
one stays; without scripts the form carries the files itself.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import Document, IntakeDocument
from tests.consultations.test_booking_flow_browser import sign_in
from tests.credentials import PASSWORD
from tests.file_samples import MINIMAL_PDF, tiny_png
from tests.support.accessibility import assert_accessible, scrolls_sideways

pytestmark = pytest.mark.browser

SLOT = "2026-03-03T09:00:00Z"  # Tuesday 10:00 in Berlin
PHONE = {"width": 390, "height": 844}


def fill_intake(page: Page) -> None:
    page.get_by_label("Country or state code").fill("DE")
    page.get_by_label("Your current diagnosis").fill("Invasive ductal carcinoma, stage IIA")
    page.get_by_label("The treatment you have been offered").fill("Mastectomy, then chemo")
    page.get_by_role("textbox", name="What you want from the second opinion").fill("Options")
    page.get_by_label("Question 1", exact=True).fill("Would a lumpectomy be enough?")
    page.get_by_label("I have read and agree").check()
    page.get_by_label("I understand that telesecond is not for emergencies").check()


def pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": MINIMAL_PDF}


def test_a_booking_completed_with_two_uploaded_records_on_a_390_px_viewport(
    live_app, browser_page, make_account, make_specialist
):
    page = browser_page
    page.set_viewport_size(PHONE)
    doctor = make_specialist(full_name="Dr Ada Vance")
    patient = make_account(full_name="Petra Paulsen")
    sign_in(page, live_app.url, patient.email)
    page.goto(f"{live_app.url}/book/{doctor.id}?start={SLOT}")

    step = page.get_by_role("region", name="Step 6 of 9: Your medical records")
    expect(step.get_by_role("button", name="Upload the files")).to_be_hidden()  # the script sends
    step.get_by_label("What are they?").select_option(label="Pathology report")
    step.get_by_label("Add files").set_input_files(
        files=[
            pdf("biopsy report.pdf"),
            {"name": "scan.png", "mimeType": "image/png", "buffer": tiny_png()},
        ]
    )
    rows = step.get_by_role("list", name="Records that go with this booking").get_by_role(
        "listitem"
    )
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("biopsy report.pdf")
    expect(rows.nth(1)).to_contain_text("scan.png")
    expect(step.get_by_role("status")).to_have_text("scan.png is uploaded.")
    expect(step.get_by_label("Upload progress")).to_have_attribute("value", "100")
    assert step.get_by_label("Add files").input_value() == ""  # not sent twice
    assert_accessible(page)
    assert not scrolls_sideways(page)

    fill_intake(page)
    page.get_by_role("button", name="Book the consultation").click()
    expect(page.get_by_role("heading", name="Consultation with Dr Ada Vance")).to_be_visible()
    page.get_by_text(re.compile(r"Medical records \(2\)")).click()
    documents = page.get_by_role("region", name="Medical documents")
    expect(documents.get_by_role("link", name="biopsy report.pdf")).to_be_visible()
    expect(documents.get_by_role("link", name="scan.png")).to_be_visible()
    expect(documents).to_contain_text("Pathology report")
    assert_accessible(page)
    assert not scrolls_sideways(page)
    db.session.expire_all()
    assert len(db.session.scalars(select(Document)).all()) == 2
    assert db.session.scalars(select(IntakeDocument)).all() == []


def test_a_bad_file_is_named_beside_the_field_while_the_good_one_is_kept(
    live_app, browser_page, make_account, make_specialist
):
    page = browser_page
    page.set_viewport_size(PHONE)
    doctor = make_specialist(full_name="Dr Ada Vance")
    patient = make_account(full_name="Petra Paulsen")
    sign_in(page, live_app.url, patient.email)
    page.goto(f"{live_app.url}/book/{doctor.id}?start={SLOT}")

    step = page.get_by_role("region", name="Step 6 of 9: Your medical records")
    field = step.get_by_label("Add files")
    field.set_input_files(
        files=[
            pdf("letter.pdf"),
            {
                "name": "setup.exe",
                "mimeType": "application/octet-stream",
                "buffer": b"MZ" + b"\0" * 62,
            },
        ]
    )
    expect(step.locator("#records-error")).to_contain_text(
        "setup.exe was not uploaded: This type of file is not accepted."
    )
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", "records-hint records-error")
    rows = step.get_by_role("list", name="Records that go with this booking").get_by_role(
        "listitem"
    )
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("letter.pdf")
    assert_accessible(page)
    assert not scrolls_sideways(page)

    # Removing it sends the form back with the answers and without the record.
    fill_intake(page)
    rows.first.get_by_role("button", name="Remove letter.pdf").click()
    expect(page.get_by_role("status").first).to_contain_text("The record is removed.")
    expect(page.get_by_label("Your current diagnosis")).to_have_value(
        "Invasive ductal carcinoma, stage IIA"
    )
    expect(page.locator("#records-none")).to_be_visible()


def test_without_scripts_the_form_carries_the_files(
    live_app, chromium_browser, make_account, make_specialist
):
    doctor = make_specialist(full_name="Dr Ada Vance")
    patient = make_account(full_name="Petra Paulsen")
    context = chromium_browser.new_context(locale="en", java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.set_viewport_size(PHONE)
        page.goto(live_app.url + "/login")
        page.get_by_label("Email address").fill(patient.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{live_app.url}/book/{doctor.id}?start={SLOT}")
        fill_intake(page)
        page.get_by_label("Add files").set_input_files(files=[pdf("referral.pdf")])
        page.get_by_role("button", name="Book the consultation").click()
        expect(page.get_by_role("heading", name="Consultation with Dr Ada Vance")).to_be_visible()
        db.session.expire_all()
        assert [d.filename for d in db.session.scalars(select(Document))] == ["referral.pdf"]
    finally:
        context.close()
