"""Intake drafts live only as long as the tab: sessionStorage, never localStorage."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.consultations.test_booking_flow_browser import SLOT, sign_in

pytestmark = pytest.mark.browser

DIAGNOSIS = "Invasive ductal carcinoma, stage IIA"
TREATMENT = "Mastectomy, then chemo"


@pytest.fixture
def doctors(make_specialist):
    return make_specialist(full_name="Dr Ada Vance")


def storage_dump(page: Page, kind: str) -> str:
    """Every key and value in the page's ``localStorage`` or ``sessionStorage``, as text."""
    return page.evaluate(
        """kind => JSON.stringify(Object.entries(window[kind]))""",
        kind,
    )


def test_the_intake_draft_stays_in_the_tab_only(live_app, browser_page, make_account, doctors):
    page = browser_page
    patient = make_account(full_name="Petra Paulsen")
    sign_in(page, live_app.url, patient.email)
    page.goto(f"{live_app.url}/book/{doctors.id}?start={SLOT}")
    page.get_by_label("Your current diagnosis").fill(DIAGNOSIS)
    page.get_by_label("The treatment you have been offered").fill(TREATMENT)

    local = storage_dump(page, "localStorage")
    assert DIAGNOSIS not in local and TREATMENT not in local
    assert "telesecond:draft:" not in local
    assert DIAGNOSIS in storage_dump(page, "sessionStorage")

    page.reload()
    expect(page.get_by_label("Your current diagnosis")).to_have_value(DIAGNOSIS)
    expect(page.get_by_label("The treatment you have been offered")).to_have_value(TREATMENT)
    assert DIAGNOSIS not in storage_dump(page, "localStorage")

    # Another tab (or the browser after the tab is closed) starts with an empty form.
    other = page.context.new_page()
    other.goto(f"{live_app.url}/book/{doctors.id}?start={SLOT}")
    expect(other.get_by_label("Your current diagnosis")).to_have_value("")
    other.close()


def test_drafts_left_in_local_storage_by_an_older_version_are_removed(
    live_app,
    browser_page,
    make_account,
    doctors,
):
    page = browser_page
    patient = make_account(full_name="Petra Paulsen")
    sign_in(page, live_app.url, patient.email)
    page.evaluate(
        """d => window.localStorage.setItem('telesecond:draft:intake:1:2',
              JSON.stringify({saved: Date.now(), fields: {current_diagnosis: [d]}}))""",
        DIAGNOSIS,
    )
    page.goto(f"{live_app.url}/book/{doctors.id}?start={SLOT}")
    page.wait_for_load_state("domcontentloaded")
    expect(page.get_by_label("Your current diagnosis")).to_have_value("")
    assert DIAGNOSIS not in storage_dump(page, "localStorage")
