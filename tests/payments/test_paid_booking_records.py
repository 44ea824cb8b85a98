"""Records uploaded while booking a paid consultation go with it, awaiting payment too."""

from __future__ import annotations

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import Consultation, Document, IntakeDocument
from telesecond.services.maintenance import run_maintenance
from tests.consultations.test_intake_records import send
from tests.file_samples import MINIMAL_PDF
from tests.web_forms import login

START = "2026-03-05T10:00:00Z"


def test_records_go_with_a_booking_that_awaits_payment_and_stay_when_it_lapses(
    pay_app, doctor, make_account, clock
):
    patient = make_account()
    browser = pay_app.test_client()
    login(browser, patient)
    page = browser.get(f"/book/{doctor.id}?start={START}")
    assert page.status_code == 200
    response = send(browser, page.text, doctor.id, files=[("mri.pdf", MINIMAL_PDF)])
    assert response.status_code == 302, response.text
    assert response.headers["Location"].endswith("#payment")
    [consultation] = db.session.scalars(select(Consultation)).all()
    assert consultation.status == "awaiting_payment"
    shown = browser.get(f"/consultations/{consultation.id}").text
    assert "mri.pdf" in shown and 'id="payment-status">Awaiting payment<' in shown

    # Not paid in time: the time is released; the record stays on that consultation's page.
    clock.advance(minutes=30)
    run_maintenance(clock())
    shown = browser.get(f"/consultations/{consultation.id}").text
    assert "the time was released and nothing was charged" in shown
    assert "mri.pdf" in shown
    db.session.expire_all()
    assert [d.filename for d in db.session.scalars(select(Document))] == ["mri.pdf"]
    assert db.session.scalars(select(IntakeDocument)).all() == []
