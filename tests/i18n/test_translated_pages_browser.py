"""The consultation and video pages in Spanish and Hindi, in Chromium: their own text in
the reader's language with no English-only wrapper, axe-clean at desktop and phone width,
and no sideways scrolling at 320 px (Hindi words are long)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.accounts.accessibility import check_page, scrolls_sideways
from tests.credentials import PASSWORD

pytestmark = pytest.mark.browser

# What each page says in each language: (path, the first heading).
PAGES = {
    "es": [
        ("/consultations/{id}", "Consulta con Dr Ana García"),
        ("/consultations", "Mis consultas"),
        ("/consultations/{id}/join", "La sala de vídeo aún no está abierta"),
        ("/video/device-test?consultation={id}", "Pruebe su cámara y micrófono"),
        ("/video/guests/not-a-token", "Este enlace de invitación no funciona"),
    ],
    "hi": [
        ("/consultations/{id}", "Dr Ana García के साथ परामर्श"),
        ("/consultations", "मेरे परामर्श"),
        ("/consultations/{id}/join", "वीडियो कमरा अभी खुला नहीं है"),
        ("/video/device-test?consultation={id}", "अपना कैमरा और माइक्रोफ़ोन जाँचें"),
        ("/video/guests/not-a-token", "यह निमंत्रण लिंक काम नहीं करता"),
    ],
}


def sign_in(page: Page, base_url: str, email: str) -> None:
    """Sign in by the form's fields (its labels are in the browser's language)."""
    page.goto(base_url + "/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("header form[action='/logout']")).to_have_count(1)


@pytest.mark.parametrize("language", ["es", "hi"])
def test_the_consultation_and_video_pages_in_the_patients_language(
    live_app, browser_page, make_account, make_specialist, book_consultation, language
):
    page = browser_page
    patient = make_account(email="paciente@example.org", language=language)
    consultation = book_consultation(patient, make_specialist(full_name="Dr Ana García"), n=3)
    sign_in(page, live_app.url, patient.email)

    for path, heading in PAGES[language]:
        page.goto(live_app.url + path.format(id=consultation.id))
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.locator("html")).to_have_attribute("lang", language)
        # The page's own text is not wrapped as English-only.
        expect(page.locator("main [lang=en] :is(h1, .lead, #next-steps)")).to_have_count(0)
        check_page(page)
        page.set_viewport_size({"width": 320, "height": 640})
        assert not scrolls_sideways(page), path
        page.set_viewport_size({"width": 1280, "height": 800})
