"""The price up front: the fee, what it includes and the refund rules, before any details."""

from __future__ import annotations

import html as html_text
import re

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import Consultation, SponsorCode, SponsorCodeUse
from tests.consultations.test_booking_pages import SLOT, send_intake

INCLUDED = [
    "The video consultation",
    "A written second opinion you can share with your doctor",
    "Answers to your follow-up questions about the opinion",
]
REFUNDS = [
    "A full refund if you cancel at least 24 hours before the call.",
    "A refund of half the fee (50%) if you cancel less than 24 hours before the call, "
    "up to its start.",
    "No refund once the call has started.",
    "No refund once the written opinion is signed.",
]


def applied_code(page_html: str) -> str:
    """The sponsor code the booking form will send (its hidden field)."""
    match = re.search(
        r'<input id="sponsor_code" name="sponsor_code" type="hidden" value="([^"]*)"', page_html
    )
    assert match, "no applied sponsor code field"
    return match.group(1)


def text(response) -> str:
    return html_text.unescape(response.text)


def test_the_directory_shows_the_fee_what_it_includes_and_the_refund_rules(client, doctor):
    listing = text(client.get("/specialists"))
    assert "200.00 EUR</strong>, billed by the clinic" in listing
    assert "Includes: " + "; ".join(INCLUDED) in listing

    page = text(client.get(f"/specialists/{doctor.id}"))
    assert "The fee: <strong>200.00 EUR</strong>, billed by the clinic" in page
    for item in INCLUDED + REFUNDS:
        assert f"<li>{item}</li>" in page
    # Before the times to choose from.
    assert page.index("If you cancel") < page.index("Available times")


def test_the_booking_page_shows_the_total_before_any_details(
    client, signed_in_patient, make_new_york_specialist
):
    doctor = make_new_york_specialist()
    page = text(client.get(f"/book/{doctor.id}?start={SLOT}"))
    total = page.index('id="quote-total"')
    assert "250.00 EUR</strong>, billed by the clinic" in page[total : total + 200]
    for item in INCLUDED + REFUNDS:
        assert page.index(f"<li>{item}</li>") < page.index("Step 1 of 9")
    assert total < page.index("Step 1 of 9")
    assert page.index("Ask for help with the fee") < page.index("Step 1 of 9")


def test_the_clinic_sets_what_is_included_and_its_refund_rules(
    make_app, clock, make_account, make_specialist, signed_in
):
    app = make_app(
        CLOCK=clock,
        FEE_INCLUDES="A 45-minute call | A written report",
        REFUND_POLICY="75%:48h,none:signed",
        PAYMENTS_PROVIDER="stripe",
        STRIPE_SECRET_KEY="sk_test_not_used",
        STRIPE_WEBHOOK_SECRET="whsec_not_used",
    )
    with app.app_context():
        doctor = make_specialist()
        page = text(app.test_client().get(f"/specialists/{doctor.id}"))
    assert "<li>A 45-minute call</li>" in page and "<li>A written report</li>" in page
    assert "Answers to your follow-up questions" not in page
    assert (
        "<li>A refund of 75% of the fee if you cancel at least 48 hours before the call.</li>"
        in page
    )
    assert "<li>No refund if you cancel less than 48 hours before the call.</li>" in page
    assert "billed by the clinic" not in page  # a payment provider collects it


def test_a_sponsor_code_on_the_booking_page_lowers_the_total_and_is_used_at_booking(
    client, signed_in_patient, make_new_york_specialist, make_code
):
    doctor = make_new_york_specialist()
    code = make_code(percent_off=40, max_uses=1)
    wrong = text(client.get(f"/book/{doctor.id}?start={SLOT}&sponsor_code=NOPE-0000"))
    assert "We do not know this code" in wrong
    assert applied_code(wrong) == ""

    page = client.get(f"/book/{doctor.id}?start={SLOT}&sponsor_code=acme-2027")
    shown = text(page)
    assert "Paid by Acme Insurance</dt>\n    <dd>-100.00 EUR" in shown
    assert "150.00 EUR</strong>, billed by the clinic" in shown
    assert applied_code(page.text) == "acme-2027"

    booked = send_intake(client, page.text, doctor.id, sponsor_code="acme-2027")
    assert booked.status_code == 302, booked.text
    consultation = db.session.scalars(select(Consultation)).one()
    use = db.session.scalars(select(SponsorCodeUse)).one()
    assert (use.consultation_id, use.covered_cents) == (consultation.id, 10000)
    db.session.expire_all()
    assert db.session.get(SponsorCode, code.id).uses == 1


def test_a_code_used_up_while_the_patient_typed_is_refused_and_nothing_is_booked(
    client, signed_in_patient, make_new_york_specialist, make_code
):
    doctor = make_new_york_specialist()
    code = make_code(max_uses=1)
    page = client.get(f"/book/{doctor.id}?start={SLOT}&sponsor_code=ACME-2027")
    code.uses = 1
    db.session.commit()
    refused = send_intake(client, page.text, doctor.id, sponsor_code="ACME-2027")
    assert refused.status_code == 422
    assert "used as many times as the sponsor allowed" in refused.text
    assert db.session.scalars(select(Consultation)).all() == []
