"""The pages the patient's doctor opens, and the staff's admin pages, speak the reader's
language: no part of them is left in English (issue 19.10)."""

from __future__ import annotations

from copy import deepcopy

import pytest

from telesecond.clock import utcnow
from telesecond.services.consultations import booking
from telesecond.services.reminders.dispatch import dispatch_due_reminders
from tests.fees.steps import ask
from tests.i18n.test_language_choice import h1, html_lang
from tests.opinions.conftest import PROFILE
from tests.opinions.scenario import INTAKE, write_signed
from tests.web_forms import csrf_token

SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}


@pytest.fixture
def check(request):
    """The clinic's PHYSICIAN_LINK_CHECK for the test (parametrized indirectly)."""
    return getattr(request, "param", "none")


@pytest.fixture
def app(make_app, clock, smtp_server, check):
    app = make_app(
        CLOCK=clock,
        OPINION_BEFORE_CALL=True,
        PHYSICIAN_LINK_CHECK=check,
        **smtp_server.app_config(),
    )
    with app.app_context():
        yield app


@pytest.fixture
def consultation(make_specialist, make_account, book_consultation):
    """A confirmed consultation in Berlin, as the opinion tests book it."""
    specialist = make_specialist(full_name="Dr Lena Brandt", notice=60, profile=PROFILE)
    patient = make_account(full_name="Maria Keller")
    return book_consultation(patient, specialist, **deepcopy(INTAKE))


def shared_link(client, consultation, clock, auth_header) -> str:
    """The specialist signs the opinion; the patient shares it with their doctor."""
    write_signed(consultation, now=clock(), copy_to_doctor=False)
    made = client.post(
        f"/api/v1/consultations/{consultation.id}/physician-link",
        headers=auth_header(consultation.patient),
    )
    assert made.status_code == 201, made.text
    return made.get_json()["url"].removeprefix("http://localhost")


def test_the_doctor_reads_the_shared_opinion_in_spanish(client, consultation, clock, auth_header):
    path = shared_link(client, consultation, clock, auth_header)

    page = client.get(path, headers=SPANISH)
    assert page.status_code == 200
    assert html_lang(page.text) == "es-ES"
    assert '<div lang="en">' not in page.text
    assert h1(page.text) == "Segunda opinión"
    assert "Descargar la opinión firmada (PDF)" in page.text
    english = client.get(path, headers={"Accept-Language": "en"}).text
    assert "Download the signed opinion (PDF)" in english


@pytest.mark.parametrize("check", ["code"], indirect=True)
def test_the_access_code_check_and_its_errors_are_in_spanish(
    client, consultation, clock, auth_header
):
    consultation.physician_contact = "hausarzt@praxis.example"
    path = shared_link(client, consultation, clock, auth_header)

    gate = client.get(path, headers=SPANISH)
    assert '<div lang="en">' not in gate.text
    assert h1(gate.text) == "Abrir una segunda opinión compartida"
    assert "Introduzca el código de acceso del segundo correo que le enviamos." in gate.text

    wrong = client.post(
        path, data={"answer": "AAAA-AAAA", "csrf_token": csrf_token(gate.text)}, headers=SPANISH
    )
    assert wrong.status_code == 422
    assert "No es correcto. Quedan" in wrong.text
    assert '<div lang="en">' not in wrong.text


# The admin pages translated so far, with the Spanish heading each shows.
ADMIN_PAGES = {
    "/admin": "Consola de administración",
    "/admin/opinions": "Segundas opiniones",
    "/admin/reminders": "Envíos fallidos y de resultado desconocido",
    "/admin/turnaround": "Plazo de las opiniones",
    "/admin/consultations": "Consultas",
    "/admin/consultations?status=confirmed": "Consultas",
    "/admin/audit": "Registro de auditoría",
    "/admin/audit?start=2026-03-05&end=2026-03-01": "Registro de auditoría",
    "/admin/sponsor-codes": "Códigos de patrocinio",
    "/admin/assistance": "Ayuda económica",
    "/admin/payments": "Pagos",
    "/admin/payments?status=nope": "Pagos",
    "/admin/specialists": "Especialistas",
    "/admin/specialists?verification=nope": "Especialistas",
    "/admin/assistance?status=maybe": "Ayuda económica",
    "/admin/users": "Usuarios",
    "/admin/users?q=ruiz": "Usuarios",
    "/admin/users/{patient}": "Ana Ruiz",
}


def test_an_admin_who_reads_spanish_gets_the_admin_pages_in_spanish(
    client, make_account, sign_in, make_reminder
):
    admin = make_account("admin", language="es")
    sign_in(admin)
    patient = make_account(full_name="Ana Ruiz", email="ana.ruiz@example.org")
    failed = make_reminder(patient, status="failed", attempts=3)

    for path, heading in ADMIN_PAGES.items():
        path = path.format(patient=patient.id)
        page = client.get(path)
        assert page.status_code in (200, 422), path
        assert html_lang(page.text) == "es", path
        assert '<div lang="en">' not in page.text, path
        assert h1(page.text) == heading, path

    failures = client.get("/admin/reminders").text
    assert "1 mensaje que requiere atención" in failures
    assert "Ana Ruiz (paciente)" in failures
    resent = client.post(
        f"/admin/reminders/{failed.id}/resend",
        data={"csrf_token": csrf_token(failures)},
        follow_redirects=True,
    )
    assert "El mensaje volverá a salir en la próxima ronda de envío." in resent.text
    assert "0 opiniones escritas" in client.get("/admin/opinions").text
    audit = client.get("/admin/audit?start=2026-03-05&end=2026-03-01").text
    assert "Revise los filtros" in audit
    assert "La fecha final no puede ser anterior a la inicial." in audit


def test_the_admin_user_pages_speak_spanish_down_to_their_errors(client, make_account, sign_in):
    sign_in(make_account("admin", language="es"))
    patient = make_account(full_name="Ana Ruiz", email="ana.ruiz@example.org")

    found = client.get("/admin/users?q=ruiz").text
    assert "1 cuenta" in found and ">paciente<" in found and ">Activa<" in found
    bad = client.get("/admin/users?role=king&page=0")
    assert bad.status_code == 422
    assert "Elija un valor de la lista." in bad.text
    assert "Introduzca un número entero a partir de 1." in bad.text
    assert '<div lang="en">' not in bad.text

    page = client.get(f"/admin/users/{patient.id}").text
    no_reason = client.post(
        f"/admin/users/{patient.id}/deactivate", data={"csrf_token": csrf_token(page)}
    )
    assert no_reason.status_code == 422
    assert "Indique por qué se desactiva la cuenta." in no_reason.text
    done = client.post(
        f"/admin/users/{patient.id}/deactivate",
        data={"csrf_token": csrf_token(page), "reason": "Cuenta duplicada"},
        follow_redirects=True,
    )
    assert "La cuenta está desactivada" in done.text
    assert "Reactivar la cuenta" in done.text


def test_an_admin_creates_a_sponsor_code_in_spanish(client, make_account, sign_in):
    sign_in(make_account("admin", language="es"))
    page = client.get("/admin/sponsor-codes").text
    form = {
        "csrf_token": csrf_token(page),
        "code": "ACME-2027",
        "sponsor_name": "Acme",
        "max_uses": "0",
        "expires_on": "2026-12-31",
    }
    bad = client.post("/admin/sponsor-codes", data=form)
    assert bad.status_code == 422
    assert "Permita de 1 a 1.000.000 usos." in bad.text
    assert '<div lang="en">' not in bad.text

    made = client.post("/admin/sponsor-codes", data={**form, "max_uses": "5", "percent_off": "50"})
    assert made.status_code == 302, made.text
    listing = client.get(made.headers["Location"]).text
    assert "El código ACME-2027 está listo para entregarlo a Acme." in listing
    assert "50% de la tarifa" in listing and "0 de 5" in listing


def test_an_admin_decides_on_financial_assistance_in_spanish(
    client, make_account, make_specialist, sign_in, auth_header
):
    doctor = make_specialist(full_name="Dr Mira Hale", profile={"fee_cents": 20000})
    patient = make_account(email="sam@example.org")
    asked = ask(client, auth_header(patient), doctor.id)
    assert asked.status_code == 201, asked.text
    sign_in(make_account("admin", language="es"))

    page = client.get("/admin/assistance?status=pending").text
    assert "Exención de 200.00 EUR" in page and "(próxima reserva)" in page
    url = f"/admin/assistance/{asked.get_json()['id']}/decision"
    missing = client.post(url, data={"csrf_token": csrf_token(page), "decision": "reduce"})
    assert missing.status_code == 422
    assert "Indique cuánto paga el paciente (0 exime de la tarifa)." in missing.text
    assert '<div lang="en">' not in missing.text
    done = client.post(
        url,
        data={"csrf_token": csrf_token(page), "decision": "reduce", "approved": "45.50"},
        follow_redirects=True,
    )
    assert "La decisión se ha guardado" in done.text
    assert "Aprobada: paga 45.50 EUR" in client.get("/admin/assistance?status=approved").text


def test_the_list_of_specialists_names_their_states_in_spanish(
    client, make_account, make_specialist, sign_in
):
    make_specialist(full_name="Dr Ines Vidal")
    sign_in(make_account("admin", language="es"))
    page = client.get("/admin/specialists").text
    assert "Dr Ines Vidal" in page and "1 especialista" in page
    assert ">Pendiente de revisión</a>" in page and ">Verificado</td>" in page
    wrong = client.get("/admin/specialists?verification=nope")
    assert wrong.status_code == 422
    assert "Elija uno de los estados de la lista." in wrong.text


def test_one_specialists_review_page_and_its_licence_errors_are_in_spanish(
    client, make_account, make_specialist, sign_in
):
    doctor = make_specialist(full_name="Dr Ines Vidal", verified=False)
    sign_in(make_account("admin", language="es"))
    url = f"/admin/specialists/{doctor.id}"
    page = client.get(url)
    assert page.status_code == 200
    assert html_lang(page.text) == "es"
    assert '<div lang="en">' not in page.text
    assert h1(page.text) == "Dr Ines Vidal"
    assert "Lo que declara el especialista" in page.text
    assert ">Pendiente de revisión</strong>" in page.text
    assert "<legend>Licencia 1</legend>" in page.text

    bad = client.post(
        f"{url}/verify",
        data={
            "csrf_token": csrf_token(page.text),
            "verify-licences-0-region": "Germany",
            "verify-licences-0-number": "A-1",
            "verify-licences-0-issuer": "Ärztekammer Berlin",
            "verify-licences-0-expires_on": "2020-01-01",
        },
    )
    assert bad.status_code == 422
    assert '<div lang="en">' not in bad.text
    assert (
        "Licencia 1: Región: use un código de país (DE) o de subdivisión (US-CA), ISO 3166."
        in bad.text
    )
    assert "Licencia 1: Caduca el: la licencia debe seguir vigente después de hoy." in bad.text
    english = client.post(
        f"{url}/verify",
        data={"csrf_token": csrf_token(page.text), "verify-licences-0-region": "Germany"},
        headers={"Accept-Language": "en"},
    )
    # The account's language wins over the browser's: still Spanish for this admin.
    assert "Licencia 1: Número: introduzca el número de licencia." in english.text

    not_a_date = client.post(
        f"{url}/verify",
        data={
            "csrf_token": csrf_token(page.text),
            "verify-licences-0-region": "DE",
            "verify-licences-0-number": "A-1",
            "verify-licences-0-issuer": "Ärztekammer Berlin",
            "verify-licences-0-expires_on": "31/12/2027",
        },
    )
    assert not_a_date.status_code == 422
    assert "Licencia 1: Caduca el: use una fecha como 2027-12-31." in not_a_date.text
    no_reason = client.post(
        f"{url}/refuse", data={"csrf_token": csrf_token(page.text), "refuse-reason": ""}
    )
    assert no_reason.status_code == 422
    assert "Indique el motivo." in no_reason.text
    assert "This field is required" not in no_reason.text

    wrong_state = client.post(
        f"{url}/suspend", data={"csrf_token": csrf_token(page.text), "suspend-reason": "x"}
    )
    assert wrong_state.status_code == 422
    assert "Solo se puede suspender a un especialista verificado." in wrong_state.text


def test_a_consultations_timeline_is_in_spanish_for_a_spanish_admin(
    client, consultation, clock, make_account, sign_in
):
    dispatch_due_reminders(clock=utcnow)  # the confirmations go out
    clock.advance(minutes=5)
    booking.cancel(
        consultation.patient, consultation.id, reason="Ya estoy mejor", now=clock(), cutoff_hours=0
    )
    sign_in(make_account("admin", language="es"))

    page = client.get(f"/admin/consultations/{consultation.id}")
    assert page.status_code == 200
    assert html_lang(page.text) == "es"
    assert '<div lang="en">' not in page.text
    assert h1(page.text) == f"Consulta n.º {consultation.id}"
    assert ">Cronología</h2>" in page.text
    assert ">Reservada</th>" in page.text and ">Cancelada</th>" in page.text
    assert "Confirmación (correo electrónico): enviado" in page.text
    assert "Ya estoy mejor" in page.text


def test_an_empty_sponsor_code_form_names_each_missing_field(client, make_account, sign_in):
    sign_in(make_account("admin", language="es"))
    page = client.get("/admin/sponsor-codes").text
    empty = {"csrf_token": csrf_token(page), "code": "", "sponsor_name": "", "max_uses": ""}
    answer = client.post("/admin/sponsor-codes", data=empty)
    assert answer.status_code == 422
    for message in ("Type the code.", "Name the sponsor."):
        translated = _spanish(message)
        assert translated != message and translated in answer.text, message


def _spanish(message: str) -> str:
    from babel.messages.pofile import read_po

    with open("telesecond/translations/es/LC_MESSAGES/messages.po", "rb") as po:
        return read_po(po)[message].string
