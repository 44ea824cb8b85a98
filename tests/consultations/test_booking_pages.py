"""A patient holds a time and books it through the intake page."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from telesecond.domain.intake import CONSENT_VERSION
from telesecond.extensions import db
from telesecond.models import Consultation, Hold
from telesecond.services.consultations import booking
from tests.consultations.scenario import INTAKE
from tests.credentials import PASSWORD
from tests.web_forms import csrf_token, login

# The clock stands at Monday 2026-03-02 09:00Z; New York is UTC-5 until 2026-03-08.
SLOT = "2026-03-02T14:00:00Z"  # Monday 09:00 in New York, 15:00 in Berlin
NEXT_SLOT = "2026-03-02T15:00:00Z"
SLOT_AT = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)

ANSWERS = {
    "patient_region": "de",
    "current_diagnosis": "Invasive ductal carcinoma, stage IIA",
    "proposed_treatment": "Mastectomy followed by chemotherapy",
    "reason": "Is breast-conserving surgery possible?",
    "questions": ["Would lumpectomy be enough?", "", "Do I need chemotherapy first?", "", ""],
    "physician_name": "Dr Jonas Richter",
    "physician_contact": "Richter@Example.org",
    "share_with_physician": "y",
    "interpreter_language": "",
    "telehealth_consent": "y",
    "emergency_acknowledged": "y",
}


def hidden(html: str, name: str) -> str:
    """The value of a hidden input in a page."""
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    assert match, f"no hidden {name} in the page"
    return match.group(1)


def send_intake(client, page_html: str, specialist_id: int, **changes):
    """POST the intake form shown in ``page_html`` with the answers (and changes)."""
    data = {**ANSWERS, **changes}
    data = {k: v for k, v in data.items() if v is not None}
    form = {
        **data,
        "csrf_token": csrf_token(page_html),
        "start": hidden(page_html, "start"),
        "hold_id": hidden(page_html, "hold_id"),
        "hold_expires": hidden(page_html, "hold_expires"),
    }
    return client.post(f"/book/{specialist_id}", data=form)


def consultations() -> list[Consultation]:
    db.session.expire_all()
    return list(db.session.scalars(select(Consultation)))


def test_the_intake_page_holds_the_time_and_shows_it_in_both_zones(
    client, signed_in_patient, make_new_york_specialist
):
    doctor = make_new_york_specialist()
    page = client.get(f"/book/{doctor.id}?start={SLOT}")
    assert page.status_code == 200
    html = page.text
    # Held in the database for HOLD_MINUTES, for this patient.
    hold = db.session.scalars(select(Hold)).one()
    assert (hold.patient_id, hold.specialist_id, hold.start) == (
        signed_in_patient.id,
        doctor.id,
        SLOT_AT,
    )
    assert hold.expires_at == datetime(2026, 3, 2, 9, 10, tzinfo=UTC)
    assert hidden(html, "hold_id") == str(hold.id)
    assert hidden(html, "start") == SLOT
    # The time in the patient's zone and the specialist's, and the hold's end.
    assert "Mon 02 Mar 2026, 15:00 (Europe/Berlin, CET)" in html
    assert "Mon 02 Mar 2026, 09:00 (America/New_York, EST)" in html
    assert "until <strong>10:10 (Europe/Berlin, CET)</strong>" in html
    # Eight steps with headings, the licences, five question boxes, the consent version.
    for n, title in enumerate(
        [
            "Where you will be",
            "Your diagnosis",
            "The proposed treatment",
            "What you want from the second opinion",
            "Your questions",
            "Your medical records",
            "Your doctor",
            "Interpreter",
            "Consent",
        ],
        start=1,
    ):
        assert f"Step {n} of 9: {title}</h2>" in html
    assert "licensed in: <strong>DE, US-CA</strong>" in html
    assert html.count('name="questions"') == 5
    assert f"(version {CONSENT_VERSION})" in html
    assert "not for emergencies" in html
    # The draft script is a static file (no inline JS) keyed for this patient and specialist.
    assert f'data-draft-key="intake:{signed_in_patient.id}:{doctor.id}"' in html
    assert '<script src="/static/js/draft.js" defer></script>' in html
    assert "<script>" not in html
    with client.get("/static/js/draft.js") as script:
        assert script.status_code == 200


def test_a_patient_books_through_the_intake_form(
    client, signed_in_patient, make_new_york_specialist, clock
):
    doctor = make_new_york_specialist()
    page = client.get(f"/book/{doctor.id}?start={SLOT}")
    response = send_intake(
        client, page.text, doctor.id, interpreter_needed="y", interpreter_language="es"
    )
    assert response.status_code == 302, response.text
    [booked] = consultations()
    assert response.headers["Location"] == f"/consultations/{booked.id}"
    assert (booked.patient_id, booked.specialist_id, booked.start) == (
        signed_in_patient.id,
        doctor.id,
        SLOT_AT,
    )
    assert booked.status == "confirmed"
    assert booked.patient_region == "DE"
    assert booked.questions == ["Would lumpectomy be enough?", "Do I need chemotherapy first?"]
    assert booked.physician_contact == "richter@example.org"
    assert booked.share_with_physician is True
    assert booked.interpreter_language == "es"
    assert (booked.consent_version, booked.consent_at) == (CONSENT_VERSION, clock())
    assert db.session.scalar(select(func.count()).select_from(Hold)) == 0

    landed = client.get(response.headers["Location"])
    assert landed.status_code == 200
    assert "Your consultation with Dr Ada Vance is booked for" in landed.text
    assert "Would lumpectomy be enough?" in landed.text
    # The consultation page ends the draft kept in the browser.
    assert f'data-clear-draft="intake:{signed_in_patient.id}:{doctor.id}"' in landed.text


def test_missing_fields_are_all_named_and_the_input_is_kept(
    client, signed_in_patient, make_new_york_specialist
):
    doctor = make_new_york_specialist()
    page = client.get(f"/book/{doctor.id}?start={SLOT}")
    response = send_intake(
        client,
        page.text,
        doctor.id,
        patient_region="",
        reason="",
        proposed_treatment="",
        questions=["", "Second box only"],
        telehealth_consent=None,
        emergency_acknowledged=None,
    )
    assert response.status_code == 422
    html = response.text
    for message in [
        "There is a problem with this form",
        "Enter a country code such as DE, or a state code such as US-CA.",
        "Tell the specialist what you want from the second opinion.",
        "Tell the specialist the treatment you have been offered.",
        "Agree to the video consultation terms to book.",
        "Confirm that you understand this is not for emergencies.",
    ]:
        assert message in html
    # What was typed is still there, in its place; the hold and time are carried on.
    assert "Invasive ductal carcinoma, stage IIA</textarea>" in html
    assert 'name="questions" rows="2">Second box only</textarea>' in html
    assert html.count('name="questions"') == 5
    assert 'value="Dr Jonas Richter"' in html
    assert hidden(html, "start") == SLOT
    assert hidden(html, "hold_id") == hidden(page.text, "hold_id")
    assert consultations() == []


def test_a_region_the_specialist_is_not_licensed_for_is_refused(
    client, signed_in_patient, make_new_york_specialist
):
    doctor = make_new_york_specialist()
    page = client.get(f"/book/{doctor.id}?start={SLOT}")
    response = send_intake(client, page.text, doctor.id, patient_region="FR")
    assert response.status_code == 422
    assert "Dr Ada Vance is not licensed to consult patients in FR" in response.text
    assert 'value="FR"' in response.text
    # A licence for US does not cover a state, and US-CA is covered only as itself.
    response = send_intake(client, page.text, doctor.id, patient_region="US-NY")
    assert response.status_code == 422
    assert "not licensed to consult patients in US-NY" in response.text
    assert consultations() == []


def test_consent_is_required(client, signed_in_patient, make_new_york_specialist):
    doctor = make_new_york_specialist()
    page = client.get(f"/book/{doctor.id}?start={SLOT}")
    response = send_intake(client, page.text, doctor.id, telehealth_consent=None)
    assert response.status_code == 422
    assert "Agree to the video consultation terms to book." in response.text
    assert consultations() == []


def test_an_interpreter_needs_a_language(client, signed_in_patient, make_new_york_specialist):
    doctor = make_new_york_specialist()
    page = client.get(f"/book/{doctor.id}?start={SLOT}")
    response = send_intake(client, page.text, doctor.id, interpreter_needed="y")
    assert response.status_code == 422
    assert "Say which language the interpreter should speak" in response.text
    response = send_intake(client, page.text, doctor.id, interpreter_language="klingon!")
    assert response.status_code == 422
    assert "is not a language tag" in response.text
    assert consultations() == []


def test_a_slot_taken_meanwhile_offers_the_nearest_free_times(
    client, signed_in_patient, make_new_york_specialist, make_account, clock
):
    doctor = make_new_york_specialist()
    page = client.get(f"/book/{doctor.id}?start={SLOT}")
    clock.advance(minutes=11)  # the hold ran out while the patient was writing
    rival = make_account(full_name="Rita Rival")
    booking.book(rival, doctor.id, SLOT_AT, INTAKE, now=clock())

    response = send_intake(client, page.text, doctor.id)
    assert response.status_code == 409
    assert "This time was taken" in response.text  # the hold lapsed, someone booked it
    assert f'href="/book/{doctor.id}?start={NEXT_SLOT}"' in response.text
    assert [c.patient_id for c in consultations()] == [rival.id]


def test_another_patients_hold_blocks_the_time(
    client, signed_in_patient, make_new_york_specialist, make_account, clock
):
    doctor = make_new_york_specialist()
    other = make_account()
    booking.place_hold(other, doctor.id, SLOT_AT, now=clock(), minutes=10)

    response = client.get(f"/book/{doctor.id}?start={SLOT}")
    assert response.status_code == 409
    assert "This time was just taken" in response.text
    assert f'href="/book/{doctor.id}?start={NEXT_SLOT}"' in response.text
    assert f'/book/{doctor.id}?start={SLOT}"' not in response.text
    # Once the hold runs out the time can be held again.
    clock.advance(minutes=10)
    assert client.get(f"/book/{doctor.id}?start={SLOT}").status_code == 200


def test_a_swept_hold_still_books_a_time_that_is_free(
    client, signed_in_patient, make_new_york_specialist, make_account, clock
):
    """A lapsed or purged hold counts as no hold: the form books the time if it is free."""
    doctor = make_new_york_specialist()
    page = client.get(f"/book/{doctor.id}?start={SLOT}")
    clock.advance(minutes=11)
    # Another patient's hold on a different time clears expired holds, ours included.
    booking.place_hold(
        make_account(), doctor.id, datetime(2026, 3, 2, 19, tzinfo=UTC), now=clock(), minutes=10
    )

    response = send_intake(client, page.text, doctor.id)
    assert response.status_code == 302, response.text
    assert [(c.start, c.patient_id) for c in consultations()] == [(SLOT_AT, signed_in_patient.id)]


@pytest.mark.parametrize("start", ["tomorrow", "2026-03-02T14:00:00", "0001-01-01T00:00:00Z", ""])
def test_a_start_that_cannot_be_read_is_a_400_page(
    client, signed_in_patient, make_new_york_specialist, start
):
    doctor = make_new_york_specialist()
    response = client.get(f"/book/{doctor.id}", query_string={"start": start})
    assert response.status_code == 400
    assert "That time could not be read" in response.text


def test_a_time_outside_the_hours_is_refused_with_alternatives(
    client, signed_in_patient, make_new_york_specialist
):
    doctor = make_new_york_specialist()
    response = client.get(f"/book/{doctor.id}?start=2026-03-02T13:30:00Z")
    assert response.status_code == 409
    assert f'href="/book/{doctor.id}?start={SLOT}"' in response.text


def test_only_signed_in_patients_can_book(client, make_account, make_new_york_specialist):
    doctor = make_new_york_specialist()
    response = client.get(f"/book/{doctor.id}?start={SLOT}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")

    login(client, make_account(role="specialist"))
    assert client.get(f"/book/{doctor.id}?start={SLOT}").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Hold)) == 0


def test_an_unknown_specialist_is_404(client, signed_in_patient):
    assert client.get(f"/book/9999?start={SLOT}").status_code == 404
    assert client.get(f"/book/99999999999?start={SLOT}").status_code == 404


@pytest.mark.parametrize("hold_id", ["99999999999", "²", "1" * 5000, "-1"])
def test_a_mangled_hold_id_books_without_a_hold(
    client, signed_in_patient, make_new_york_specialist, hold_id
):
    doctor = make_new_york_specialist()
    page = client.get(f"/book/{doctor.id}?start={SLOT}")
    form = {**ANSWERS, "csrf_token": csrf_token(page.text), "start": SLOT, "hold_id": hold_id}
    response = client.post(f"/book/{doctor.id}", data=form)
    assert response.status_code == 302, response.text
    assert len(consultations()) == 1


def test_a_patient_cannot_book_two_consultations_at_once(
    client, signed_in_patient, make_new_york_specialist, clock
):
    first, second = make_new_york_specialist(), make_new_york_specialist(full_name="Dr Ben Okafor")
    booking.book(signed_in_patient, first.id, SLOT_AT, INTAKE, now=clock())
    page = client.get(f"/book/{second.id}?start={SLOT}")
    response = send_intake(client, page.text, second.id)
    assert response.status_code == 409
    assert "This time cannot be booked" in response.text
    assert "You already have a consultation at this time." in response.text
    assert [c.specialist_id for c in consultations()] == [first.id]


@pytest.mark.browser
def test_the_draft_survives_a_reload_and_ends_with_the_booking(
    live_app, browser_page, make_account, make_new_york_specialist
):
    doctor = make_new_york_specialist()
    patient = make_account(full_name="Petra Paulsen")
    page = browser_page
    page.goto(live_app.url + "/login")
    page.get_by_label("Email address").fill(patient.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_contain_text("Signed in")

    page.goto(f"{live_app.url}/book/{doctor.id}?start={SLOT}")
    page.get_by_label("Your current diagnosis").fill("Stage IIA carcinoma")
    page.get_by_label("Question 1", exact=True).fill("Is surgery needed?")
    add = page.get_by_role("button", name="Add another question")
    expect(add).to_be_visible()
    add.click()
    page.get_by_label("Question 6").fill("A sixth question")
    page.get_by_label("I have read and agree").check()

    page.reload()
    expect(page.get_by_label("Your current diagnosis")).to_have_value("Stage IIA carcinoma")
    expect(page.get_by_label("Question 1", exact=True)).to_have_value("Is surgery needed?")
    expect(page.get_by_label("Question 6")).to_have_value("A sixth question")
    expect(page.get_by_label("I have read and agree")).not_to_be_checked()
    key = f"telesecond:draft:intake:{patient.id}:{doctor.id}"
    stored = page.evaluate("key => window.sessionStorage.getItem(key)", key)
    assert "Stage IIA carcinoma" in stored
    assert "telehealth_consent" not in stored and "csrf" not in stored

    page.get_by_label("Country or state code").fill("DE")
    page.get_by_label("The treatment you have been offered").fill("Mastectomy")
    page.get_by_role("textbox", name="What you want from the second opinion").fill("Other options")
    page.get_by_label("I have read and agree").check()
    page.get_by_label("I understand that telesecond is not for emergencies").check()
    page.get_by_role("button", name="Book the consultation").click()
    expect(page.get_by_role("heading", name="Consultation with Dr Ada Vance")).to_be_visible()
    assert page.evaluate("key => window.sessionStorage.getItem(key)", key) is None
    questions = db.session.scalars(select(Consultation.questions)).one()
    assert questions == ["Is surgery needed?", "A sixth question"]


def test_control_characters_are_refused_not_stored(
    client, signed_in_patient, make_new_york_specialist
):
    doctor = make_new_york_specialist()
    page = client.get(f"/book/{doctor.id}?start={SLOT}")
    response = send_intake(
        client, page.text, doctor.id, current_diagnosis="bad\x00text", questions=["q\x00"]
    )
    assert response.status_code == 422
    assert "Remove the invisible control characters from this text." in response.text
    assert "Remove the invisible control characters from your questions." in response.text
    assert consultations() == []


def test_a_lapsed_hold_on_a_time_someone_took_says_it_was_taken(
    client, signed_in_patient, make_new_york_specialist, make_account, book_consultation, clock
):
    doctor = make_new_york_specialist()
    page = client.get(f"/book/{doctor.id}?start={SLOT}")
    assert "held until" not in page.text and 'data-seconds-left="600"' in page.text
    clock.advance(minutes=11)
    book_consultation(make_account(), doctor, start=SLOT_AT)

    response = send_intake(client, page.text, doctor.id)
    assert response.status_code == 409
    assert "This time was taken" in response.text
    assert "we book the time if it is still free" not in response.text
    assert f'href="/book/{doctor.id}?start={NEXT_SLOT}"' in response.text
    assert [c.patient_id for c in consultations()] != [signed_in_patient.id]


def test_upcoming_past_and_cancelled_are_listed_apart(
    client, signed_in_patient, make_new_york_specialist, book_consultation, clock, signed_in
):
    doctor = make_new_york_specialist()
    kept = book_consultation(signed_in_patient, doctor, start=SLOT_AT)
    dropped = book_consultation(signed_in_patient, doctor, n=2)
    booking.cancel(signed_in_patient, dropped.id, reason="", now=clock(), cutoff_hours=0)
    for viewer in (client, signed_in(client.application, doctor)):
        html = viewer.get("/consultations").text
        # Today (the specialist's agenda) and upcoming come first; cancelled apart.
        before, cancelled = html.split(">Cancelled</h2>")
        assert f"/consultations/{kept.id}" in before[: before.index(">Past</h2>")]
        assert f"/consultations/{dropped.id}" not in before
        assert f"/consultations/{dropped.id}" in cancelled
        assert f"/consultations/{kept.id}" not in cancelled
