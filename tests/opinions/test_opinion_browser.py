"""The opinion's lifecycle in a real Chromium: the specialist's draft saves itself as they
type, is previewed and signed with the password; the patient then reads it and asks a
follow-up question. Every page passes axe's WCAG 2.1 A/AA rules, on a phone too."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from telesecond.extensions import db
from telesecond.models import FollowUpQuestion, Opinion, OpinionDraft
from tests.accounts.accessibility import check_page
from tests.credentials import PASSWORD
from tests.opinions.scenario import QUESTIONS

pytestmark = pytest.mark.browser

SUMMARY = "Breast-conserving surgery is reasonable after neoadjuvant therapy."


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_contain_text("Signed in")


def draft_of(consultation) -> OpinionDraft | None:
    db.session.expire_all()
    return db.session.get(OpinionDraft, consultation.id)


def test_draft_autosaves_then_preview_sign_read_and_ask(
    live_app, browser_page, consultation, clock
):
    page = browser_page
    base = f"{live_app.url}/consultations/{consultation.id}/opinion"

    # -- the specialist writes; the page saves the draft by itself -------------------------
    sign_in(page, live_app.url, consultation.specialist.email)
    page.goto(f"{base}/edit")
    expect(page.get_by_role("heading", name="Write the second opinion")).to_be_visible()
    check_page(page)
    page.get_by_label("I refine it: broadly right, with changes or additions").check()
    page.get_by_label("Summary of your opinion").fill(SUMMARY)
    page.get_by_label(f"1. {QUESTIONS[0]}").fill("Not urgently: within four weeks.")
    page.get_by_label(f"2. {QUESTIONS[1]}").fill("No, not on its own.")
    page.get_by_label("Recommendations").fill("Ask for a sentinel node biopsy.")
    expect(page.locator("[data-autosave-status]")).to_contain_text("Draft saved at")
    draft = draft_of(consultation)
    assert draft is not None and draft.summary == SUMMARY
    assert draft.answers == ["Not urgently: within four weeks.", "No, not on its own."]
    assert draft.recommendations == "Ask for a sentinel node biopsy."
    # A reload shows what was saved without any button pressed.
    page.reload()
    expect(page.get_by_label("Summary of your opinion")).to_have_value(SUMMARY)

    # -- preview: before the call it cannot be signed ------------------------------------
    page.get_by_role("button", name="Preview and sign").click()
    expect(page.get_by_role("heading", name="Preview and sign the opinion")).to_be_visible()
    expect(page.get_by_text("once the consultation has taken place")).to_be_visible()
    check_page(page)

    clock.advance(seconds=(consultation.end - clock()).total_seconds() + 300)
    page.reload()
    page.get_by_label("Your password").fill("not the password")
    page.get_by_role("button", name="Sign the opinion").click()
    expect(page.locator("#password-error")).to_contain_text("The password is not right.")
    check_page(page)
    assert db.session.get(Opinion, consultation.id) is None
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign the opinion").click()
    expect(page.get_by_role("status")).to_contain_text("The opinion is signed")
    db.session.expire_all()
    opinion = db.session.get(Opinion, consultation.id)
    expect(page.locator("#opinion-digest")).to_have_text(opinion.digest)
    check_page(page)
    page.get_by_role("button", name="Log out").click()

    # -- the patient reads it and asks a follow-up question -------------------------------
    clock.advance(days=1)
    sign_in(page, live_app.url, consultation.patient.email)
    page.goto(base)
    article = page.get_by_role("article", name="Second opinion")
    expect(article).to_contain_text(SUMMARY)
    expect(article).to_contain_text("Refines the current diagnosis")
    expect(article).to_contain_text(re.compile(r"Signed\s*by Dr Lena Brandt"))
    check_page(page)
    page.get_by_label("Your question").fill("Can the surgery wait until after my holiday?")
    page.get_by_role("button", name="Send my question").click()
    expect(page.get_by_role("status")).to_contain_text("Your question was sent")
    expect(page.get_by_text("Not answered yet.")).to_be_visible()
    check_page(page)
    db.session.expire_all()
    [question] = db.session.query(FollowUpQuestion).all()
    assert question.asked_by_id == consultation.patient_id
    assert question.asked_at - opinion.signed_at > timedelta(hours=23)
