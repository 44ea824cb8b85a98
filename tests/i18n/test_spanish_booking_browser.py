"""The same booking done in Spanish, in a real Chromium: the patient who chose Spanish
finds the specialist, books, reads her consultation page in Spanish, and the booking's
email (aiosmtpd on loopback) and SMS (the real twilio client against the fake) are in
Spanish too. Nothing clinical reaches the subject or the SMS.

The directory and the booking form belong to other features, which translate them on
their own: the test reaches their fields by name, not by their (English) labels.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from telesecond.adapters import registry
from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.models import Consultation
from telesecond.services.reminders.dispatch import dispatch_due_reminders
from tests.accounts.accessibility import check_page, scrolls_sideways
from tests.consultations.test_booking_flow_browser import slot_link
from tests.credentials import PASSWORD

pytestmark = pytest.mark.browser

PHONE = "+34612345678"
SLOT = "2026-03-04T09:00:00Z"  # Wednesday: 10:00 in Madrid and in Berlin
DIAGNOSIS = "Carcinoma ductal infiltrante, estadio IIA"


@pytest.fixture
def spanish_app(app, make_app, clock, smtp_server, fake_twilio):
    """Mail to aiosmtpd, SMS through the fake Twilio; pushed over ``app`` (the factories')."""
    app = make_app(CLOCK=clock, **smtp_server.app_config(), **fake_twilio.app_config())
    with app.app_context():
        yield app
        registry.current().sms.close()


def body_of(message, kind: str) -> str:
    return message.get_body(preferencelist=(kind,)).get_content()


def test_the_same_booking_done_in_spanish_with_its_email_and_sms_in_spanish(
    spanish_app,
    live_server_factory,
    browser_page,
    make_account,
    make_specialist,
    clock,
    smtp_server,
    fake_twilio,
):
    server = live_server_factory(spanish_app)
    doctor = make_specialist(
        full_name="Dr Ana García",
        email="ana@clinic.example",
        profile={"languages": ["es", "en"], "licensed_regions": ["ES"]},
    )
    patient = make_account(
        full_name="Lucía Fernández",
        email="lucia@example.org",
        language="es",
        timezone="Europe/Madrid",
        phone=PHONE,
        notify_by="email,sms",
        sms_consent_at=clock(),
    )
    page = browser_page  # an English browser: the account's choice wins once she signs in

    page.goto(server.url + "/login")
    page.locator("#email").fill(patient.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")

    # -- the directory, searched for a Spanish speaker licensed in Spain ------------------
    page.get_by_role("link", name="Buscar especialista").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    search = page.get_by_role("search")
    search.locator("#language").fill("es")
    search.locator("#region").fill("ES")
    search.locator("button[type=submit]").click()
    page.locator(f'main h3 a[href^="/specialists/{doctor.id}"]').click()
    slot_link(page, SLOT).click()

    # -- the booking form -----------------------------------------------------------------
    expect(page.locator("html")).to_have_attribute("lang", "es")
    form = page.locator("form.intake-form")
    form.locator("#patient_region").fill("ES")
    form.locator("#current_diagnosis").fill(DIAGNOSIS)
    form.locator("#proposed_treatment").fill("Mastectomía y quimioterapia")
    form.locator("#reason").fill("Saber si la cirugía puede esperar.")
    form.locator("#question-1").fill("¿Puede empezar primero la quimioterapia?")
    form.locator("#telehealth_consent").check()
    form.locator("#emergency_acknowledged").check()
    assert page.locator("html").get_attribute("lang") == "es"  # the booking form too
    form.get_by_role("button", name="Reservar la consulta").click()

    # -- her consultation page, all in Spanish --------------------------------------------
    expect(page.get_by_role("heading", level=1)).to_have_text("Consulta con Dr Ana García")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    # Not wrapped as English-only (other features' sections still may be, on their own).
    expect(page.locator('main [lang="en"] :is(h1, #next-steps)')).to_have_count(0)
    expect(page.locator('#next-steps [lang="en"]')).to_have_count(0)
    steps = page.get_by_role("region", name="Qué pasa ahora")
    expect(steps).to_contain_text("Reservada. Dr Ana García tiene su caso y su 1 pregunta.")
    expect(steps.locator("[data-step=join]")).to_contain_text("Se puede entrar desde el")
    expect(steps.locator("[data-step=join]")).to_contain_text(
        "mié 04 mar 2026, 09:45 (Europe/Madrid"
    )
    expect(page.get_by_role("link", name="Abrir la página de la llamada")).to_be_visible()
    page.get_by_text("Cancelar esta consulta").click()
    expect(page.get_by_role("button", name="Sí, cancelar la consulta")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    assert not scrolls_sideways(page)
    check_page(page)
    page.get_by_role("link", name="Mis consultas").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mis consultas")
    upcoming = page.get_by_role("row", name="Dr Ana García")
    expect(upcoming).to_contain_text("Confirmada")
    expect(upcoming.get_by_role("link", name="Abrir")).to_be_visible()

    db.session.expire_all()
    consultation = db.session.scalar(select(Consultation))
    assert consultation.current_diagnosis == DIAGNOSIS

    # -- the confirmation by email and by SMS, in Spanish ---------------------------------
    dispatch_due_reminders(clock=utcnow)

    smtp_server.wait_for(2)
    (mine,) = smtp_server.messages_to(patient.email)
    subject = str(mine["Subject"]).strip()
    assert subject == "Su consulta de telesecond el mié 4 mar 2026, 10:00 CET"
    text = body_of(mine, "plain")
    assert "Hola, Lucía Fernández:" in text
    assert "Su consulta por vídeo con Dr Ana García está reservada:" in text
    assert "mié 4 mar 2026, 10:00 (CET, Europe/Madrid)" in text
    assert f"/consultations/{consultation.id}/join" in text
    assert '<html lang="es">' in body_of(mine, "html")
    (sms,) = fake_twilio.messages_to(PHONE)
    assert sms["body"].startswith("telesecond: videollamada el mié 4 mar 10:00 CET reservada.")
    assert f"/consultations/{consultation.id}" in sms["body"]
    for secret in (DIAGNOSIS, "Mastectomía", "quimioterapia"):
        assert secret.lower() not in subject.lower()
        assert secret.lower() not in sms["body"].lower()
        assert secret.lower() not in text.lower()
