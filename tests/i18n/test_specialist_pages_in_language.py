"""A specialist who chose Spanish (or Hindi) writes, previews and signs the opinion and
keeps the public profile in that language: no page falls back to English (issue 19.10)."""

from __future__ import annotations

from copy import deepcopy

import pytest

from telesecond.clock import utcnow
from telesecond.services.opinions import second_opinion
from tests.opinions.conftest import after_the_call
from tests.opinions.scenario import BODY, INTAKE
from tests.web_forms import csrf_token

PROFILE = {"languages": ["es", "en"], "licensed_regions": ["DE"], "bio": ""}


@pytest.fixture
def booked(make_specialist, make_account, book_consultation):
    """A consultation with a specialist whose account language is ``language``."""

    def factory(language: str):
        specialist = make_specialist(
            full_name="Dra. Lucía Ortega", notice=60, profile=PROFILE, language=language
        )
        patient = make_account(full_name="Maria Keller")
        return book_consultation(patient, specialist, **deepcopy(INTAKE))

    return factory


def draft(consultation, **changes) -> None:
    second_opinion.save_draft(
        consultation.specialist, consultation.id, ip=None, **{**BODY, **changes}, now=utcnow()
    )


def assert_spanish_page(page) -> None:
    assert page.status_code == 200, page.text
    assert '<html lang="es"' in page.text
    assert '<div lang="en">' not in page.text


def test_the_editor_and_the_preview_of_an_incomplete_draft_are_in_spanish(
    client, sign_in, booked, clock
):
    consultation = booked("es")
    draft(consultation, summary="", answers=["Solo una."])
    after_the_call(clock, consultation)
    sign_in(consultation.specialist)

    editor = client.get(f"/consultations/{consultation.id}/opinion/edit")
    assert_spanish_page(editor)
    assert "Redactar la segunda opinión" in editor.text
    assert "Las preguntas del paciente" in editor.text
    assert "Guardar borrador" in editor.text
    assert "Borrador guardado por última vez" in editor.text
    assert "Write the second opinion" not in editor.text
    # The autosave script's words come from the page.
    assert 'data-say-saved="Borrador guardado a las {time}."' in editor.text

    preview = client.get(f"/consultations/{consultation.id}/opinion/preview")
    assert_spanish_page(preview)
    assert "Revisar y firmar la opinión" in preview.text
    assert "El borrador aún no está completo:" in preview.text
    # The service's own messages: the missing summary, the missing second answer.
    assert "<li>Escriba el resumen.</li>" in preview.text
    assert "en el orden en que las hizo (recibidas: 1)" in preview.text
    assert "Write the summary." not in preview.text


def test_saving_the_draft_says_so_in_spanish(client, sign_in, booked):
    consultation = booked("es")
    sign_in(consultation.specialist)
    url = f"/consultations/{consultation.id}/opinion/edit"
    token = csrf_token(client.get(url).text)
    saved = client.post(
        url,
        data={"csrf_token": token, "summary": "Estoy de acuerdo.", "action": "save"},
        follow_redirects=True,
    )
    assert_spanish_page(saved)
    assert "Su borrador se ha guardado. Solo usted puede verlo." in saved.text


def test_the_profile_page_and_its_errors_are_in_spanish(client, sign_in, make_specialist):
    specialist = make_specialist(profile=PROFILE, language="es")
    sign_in(specialist)

    page = client.get("/specialist/profile")
    assert_spanish_page(page)
    assert "Mi perfil público" in page.text
    assert "Verificación: verificada" in page.text
    assert "Tarifa por consulta" in page.text
    assert "Guardar perfil" in page.text
    assert "My public profile" not in page.text

    refused = client.post(
        "/specialist/profile",
        data={"csrf_token": csrf_token(page.text), "fee": "ciento cincuenta", "currency": ""},
    )
    assert refused.status_code == 422
    assert '<div lang="en">' not in refused.text
    assert "Introduzca un importe como 150 o 150.00." in refused.text
    assert "Este campo es obligatorio." in refused.text  # the currency

    # What the service refuses is said in Spanish too.
    refused = client.post(
        "/specialist/profile",
        data={"csrf_token": csrf_token(page.text), "fee": "150", "currency": "EURO"},
    )
    assert refused.status_code == 422
    assert "Indique al menos una especialidad." in refused.text
    assert "Indique al menos un idioma en el que atiende." in refused.text
    assert "Use un código de moneda de tres letras, como EUR o USD." in refused.text


def test_a_pending_specialist_reads_the_verification_notice_in_spanish(
    client, sign_in, make_specialist
):
    specialist = make_specialist(profile=PROFILE, language="es", verified=False)
    sign_in(specialist)
    page = client.get("/specialist/profile")
    assert_spanish_page(page)
    assert "Verificación: pendiente de revisión" in page.text
    assert "hasta que nuestro equipo haya comprobado sus licencias" in page.text


def test_before_the_call_the_preview_says_in_hindi_why_it_cannot_be_signed(client, sign_in, booked):
    consultation = booked("hi")
    draft(consultation)  # complete, but the consultation has not taken place
    sign_in(consultation.specialist)
    preview = client.get(f"/consultations/{consultation.id}/opinion/preview")
    assert preview.status_code == 200
    assert '<html lang="hi"' in preview.text
    assert '<div lang="en">' not in preview.text
    assert "परामर्श हो जाने के बाद ही राय पर हस्ताक्षर किए जा सकते हैं।" in preview.text
    assert "राय पर हस्ताक्षर करें" in preview.text
