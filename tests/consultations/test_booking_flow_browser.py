"""The whole booking journey in a real Chromium against the live server.

A patient in New York finds a Berlin specialist by condition and region, books a time
shown in her own zone through the eight-step intake (a reload in the middle keeps the
draft), shares a PDF, and later reads the written opinion the specialist signed
after opening her case.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import AuditEvent, Consultation, Document, Opinion
from tests.credentials import PASSWORD
from tests.file_samples import MINIMAL_PDF

pytestmark = pytest.mark.browser

SLOT = "2026-03-03T09:00:00Z"  # Tuesday: 10:00 in Berlin, 04:00 in New York (EST)
DRAFT_PREFIX = "telesecond:draft:"
QUESTIONS = ["Would a lumpectomy be enough?", "Should chemotherapy come first?"]


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_contain_text("Signed in")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def drafts(page: Page) -> dict[str, str]:
    """Every intake draft this tab holds in sessionStorage."""
    return page.evaluate(
        """prefix => Object.fromEntries(Object.keys(window.sessionStorage)
            .filter(k => k.startsWith(prefix)).map(k => [k, window.sessionStorage.getItem(k)]))""",
        DRAFT_PREFIX,
    )


def slot_link(page: Page, start: str):
    return page.locator(f'a.slot:has(time[datetime="{start}"])')


@pytest.fixture
def doctors(make_specialist):
    """Dr Ada Vance matches the search; the other two miss it on condition or region."""
    ada = make_specialist(full_name="Dr Ada Vance", email="ada@clinic.example")
    make_specialist(full_name="Dr Pat Prostate", profile={"conditions": ["Prostate cancer"]})
    make_specialist(full_name="Dr Remy France", profile={"licensed_regions": ["FR"]})
    return ada


def test_book_share_a_document_and_read_the_opinion(
    live_app, browser_page, make_account, doctors, clock, tmp_path: Path
):
    page = browser_page
    patient = make_account(
        full_name="Petra Paulsen", email="petra@example.org", timezone="America/New_York"
    )

    # -- the patient searches the directory by condition and region ------------------------
    sign_in(page, live_app.url, patient.email)
    page.get_by_role("link", name="Find a specialist").first.click()
    page.get_by_label("Condition").fill("breast CANCER ")
    page.get_by_label("Where will you be during the consultation?").fill("US-CA")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("region", name="Specialists")
    expect(results.get_by_role("heading", level=3)).to_have_count(1)
    expect(results).to_contain_text("Times are shown in America/New_York")
    results.get_by_role("link", name="Dr Ada Vance").click()

    # -- picks a slot shown in her own zone -----------------------------------------------
    expect(page.get_by_role("heading", level=1, name="Dr Ada Vance")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Times are in your time zone, America/New_York")
    slot = slot_link(page, SLOT)
    expect(slot).to_contain_text("04:00")  # her time
    expect(slot).to_contain_text("10:00")  # the specialist's, beside it
    slot.click()

    # -- the eight-step intake, with a reload in the middle ---------------------------------
    expect(
        page.get_by_role("heading", name="Book a consultation with Dr Ada Vance")
    ).to_be_visible()
    when = page.get_by_role("region", name="Your time")
    expect(when).to_contain_text("Tue 03 Mar 2026, 04:00 (America/New_York, EST)")
    expect(when).to_contain_text("Tue 03 Mar 2026, 10:00 (Europe/Berlin, CET)")
    expect(page.get_by_role("heading", name=re.compile(r"^Step \d of 9"))).to_have_count(9)
    page.get_by_label("Country or state code").fill("US-CA")
    page.get_by_label("Your current diagnosis").fill("Invasive ductal carcinoma, stage IIA")
    page.get_by_label("The treatment you have been offered").fill("Mastectomy, then chemo")
    page.get_by_label("Question 1", exact=True).fill(QUESTIONS[0])
    page.get_by_label("I have read and agree").check()

    page.reload()
    expect(page.get_by_label("Country or state code")).to_have_value("US-CA")
    expect(page.get_by_label("Your current diagnosis")).to_have_value(
        "Invasive ductal carcinoma, stage IIA"
    )
    expect(page.get_by_label("Question 1", exact=True)).to_have_value(QUESTIONS[0])
    expect(page.get_by_label("I have read and agree")).not_to_be_checked()  # asked afresh
    assert list(drafts(page)) == [f"{DRAFT_PREFIX}intake:{patient.id}:{doctors.id}"]

    page.get_by_role("textbox", name="What you want from the second opinion").fill(
        "To know whether breast-conserving surgery is possible."
    )
    page.get_by_label("Question 2", exact=True).fill(QUESTIONS[1])
    page.get_by_label("I have read and agree").check()
    page.get_by_label("I understand that telesecond is not for emergencies").check()
    page.get_by_role("button", name="Book the consultation").click()

    # -- she sees the consultation, and shares a PDF on it ----------------------------------
    expect(page.get_by_role("heading", name="Consultation with Dr Ada Vance")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("is booked for Tue 03 Mar 2026, 04:00")
    page.wait_for_load_state("domcontentloaded")  # the page's deferred scripts have run
    assert drafts(page) == {}  # the booking ended the draft
    # The checklist's step opens the folded records section.
    page.get_by_role("link", name="Upload records").click()
    documents = page.get_by_role("region", name="Medical documents")
    expect(documents).to_contain_text("No documents have been shared yet.")
    documents.get_by_label("File").set_input_files(
        files=[{"name": "biopsy report.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}]
    )
    documents.get_by_label("What is it?").select_option(label="Pathology report")
    documents.get_by_role("button", name="Upload document").click()
    expect(page.get_by_role("status")).to_contain_text("Your document is uploaded")
    expect(page.locator("[data-step=records]")).to_contain_text("Medical records shared: 1")
    page.get_by_text("Medical records (1)").click()
    documents = page.get_by_role("region", name="Medical documents")
    expect(documents.get_by_role("link", name="biopsy report.pdf")).to_be_visible()
    expect(documents).to_contain_text("Pathology report")
    with page.expect_download() as download:
        documents.get_by_role("link", name="biopsy report.pdf").click()
    assert Path(download.value.path()).read_bytes() == MINIMAL_PDF
    sign_out(page)

    # -- the specialist finds it on the agenda and opens the case ---------------------------
    sign_in(page, live_app.url, doctors.email)
    page.get_by_role("link", name="Agenda").click()
    upcoming = page.get_by_role("row", name=re.compile("Petra Paulsen"))
    expect(upcoming).to_contain_text("Tue 03 Mar 2026, 10:00 (Europe/Berlin, CET)")
    upcoming.get_by_role("link", name=re.compile("^Open")).click()
    page.get_by_text("The patient's case").click()
    case = page.locator("#case")
    expect(case).to_contain_text("Invasive ductal carcinoma, stage IIA")
    expect(case).to_contain_text("Mastectomy, then chemo")
    expect(case).to_contain_text(QUESTIONS[0])
    expect(case).to_contain_text(QUESTIONS[1])
    page.get_by_role("link", name="See them").click()
    documents = page.get_by_role("region", name="Medical documents")
    expect(documents).to_contain_text("by Petra Paulsen")
    with page.expect_download() as download:
        documents.get_by_role("link", name="biopsy report.pdf").click()
    assert Path(download.value.path()).read_bytes() == MINIMAL_PDF

    # -- writes and publishes the opinion -------------------------------------------------
    page.get_by_role("link", name="Write the opinion").click()
    expect(page.get_by_role("heading", name="Write the second opinion")).to_be_visible()
    page.get_by_label("I refine it: broadly right, with changes or additions").check()
    page.get_by_label("Summary of your opinion").fill(
        "Breast-conserving surgery is a reasonable option after neoadjuvant therapy."
    )
    page.get_by_label(f"1. {QUESTIONS[0]}").fill("Likely, if the tumour shrinks first.")
    page.get_by_label(f"2. {QUESTIONS[1]}").fill("Yes: neoadjuvant chemotherapy first.")
    page.get_by_label("Recommendations").fill("Discuss neoadjuvant therapy with your team.")
    clock.advance(days=1, hours=2)  # the call has taken place: the opinion can be signed
    page.get_by_role("button", name="Preview and sign").click()
    expect(page.get_by_role("heading", name="Preview and sign the opinion")).to_be_visible()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign the opinion").click()
    expect(page.get_by_role("status")).to_contain_text("The opinion is signed")
    sign_out(page)

    # -- the patient reads the opinion ------------------------------------------------------
    sign_in(page, live_app.url, patient.email)
    page.get_by_role("link", name="My consultations").click()
    page.get_by_role("row", name=re.compile("Dr Ada Vance")).get_by_role(
        "link", name=re.compile("^Open")
    ).click()
    page.get_by_role("link", name="Read the written opinion").click()
    opinion = page.get_by_role("article", name="Second opinion")
    expect(opinion).to_contain_text("Breast-conserving surgery is a reasonable option")
    expect(opinion).to_contain_text("Likely, if the tumour shrinks first.")
    expect(opinion).to_contain_text("Discuss neoadjuvant therapy with your team.")

    db.session.expire_all()
    [consultation] = db.session.scalars(select(Consultation)).all()
    assert consultation.start.isoformat() == "2026-03-03T09:00:00+00:00"
    assert (consultation.patient_id, consultation.specialist_id) == (patient.id, doctors.id)
    assert consultation.patient_region == "US-CA" and consultation.questions == QUESTIONS
    [document] = db.session.scalars(select(Document)).all()
    assert (document.filename, document.kind) == ("biopsy report.pdf", "pathology")
    assert db.session.get(Opinion, consultation.id).diagnosis_assessment == "refines"
    readers = db.session.scalars(
        select(AuditEvent.actor_id).where(AuditEvent.action == "document.viewed")
    ).all()
    assert sorted(readers) == sorted([patient.id, doctors.id])


def test_logging_out_clears_the_intake_drafts(live_app, browser_page, make_account, doctors):
    """On a shared computer the next person must not find the last one's answers."""
    page = browser_page
    patient = make_account(full_name="Petra Paulsen")
    sign_in(page, live_app.url, patient.email)
    page.goto(f"{live_app.url}/book/{doctors.id}?start={SLOT}")
    page.get_by_label("Your current diagnosis").fill("Invasive ductal carcinoma")
    page.get_by_label("Question 1", exact=True).fill(QUESTIONS[0])
    stored = drafts(page)
    assert len(stored) == 1 and "Invasive ductal carcinoma" in next(iter(stored.values()))
    page.evaluate("window.sessionStorage.setItem('unrelated', 'kept')")

    sign_out(page)
    assert drafts(page) == {}
    assert page.evaluate("window.sessionStorage.getItem('unrelated')") == "kept"
    page.go_back()  # even the cached form page has nothing left to restore
    page.reload()
    sign_in(page, live_app.url, patient.email)
    page.goto(f"{live_app.url}/book/{doctors.id}?start={SLOT}")
    expect(page.get_by_label("Your current diagnosis")).to_have_value("")
    expect(page.get_by_label("Question 1", exact=True)).to_have_value("")


def test_a_second_browser_holding_the_same_slot_is_offered_the_nearest_free_times(
    live_app, browser_page, chromium_browser, make_account, doctors
):
    first_patient = make_account(full_name="Petra Paulsen", timezone="America/New_York")
    second_patient = make_account(full_name="Otto Other", timezone="America/New_York")
    other_context = chromium_browser.new_context(locale="en")
    try:
        first, second = browser_page, other_context.new_page()
        second.set_default_timeout(10_000)
        for page, person in ((first, first_patient), (second, second_patient)):
            sign_in(page, live_app.url, person.email)
            page.goto(f"{live_app.url}/specialists/{doctors.id}")
            expect(slot_link(page, SLOT)).to_be_visible()

        slot_link(first, SLOT).click()  # holds the time
        expect(first.get_by_role("heading", name="Book a consultation")).to_be_visible()
        expect(first.locator("main")).to_contain_text("We are holding this time for you")

        slot_link(second, SLOT).click()  # the same time, from a page loaded before the hold
        expect(second.get_by_role("heading", level=1)).to_have_text("This time was just taken")
        nearest = second.get_by_role("region", name="The nearest free times with Dr Ada Vance")
        offers = nearest.get_by_role("link")
        expect(offers.first).to_be_visible()
        assert 1 <= offers.count() <= 5
        texts = offers.all_inner_texts()
        assert all("(America/New_York" in text for text in texts), texts
        assert not any("Tue 03 Mar 2026, 04:00" in text for text in texts), texts
        chosen = texts[0]
        offers.first.click()
        expect(second.get_by_role("heading", name="Book a consultation")).to_be_visible()
        expect(second.get_by_role("region", name="Your time")).to_contain_text(chosen)
        expect(second.locator("main")).to_contain_text("We are holding this time for you")
    finally:
        other_context.close()
