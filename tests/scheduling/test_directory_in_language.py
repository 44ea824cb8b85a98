"""The directory in the viewer's language (issue 19.10): its text, and places, languages
and dates named as that language names them (CLDR via Babel), understood when typed."""

from __future__ import annotations

import re

import pytest

from tests.credentials import PASSWORD

ES = {"Accept-Language": "es"}
HI = {"Accept-Language": "hi"}


def names(html: str) -> list[str]:
    return re.findall(r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a>', html)


def test_the_search_page_in_spanish_names_languages_and_places_in_spanish(
    client, directory_doctors
):
    page = client.get("/specialists", query_string={"condition": "breast"}, headers=ES)
    assert page.status_code == 200
    assert '<html lang="es">' in page.text
    assert "<h1>Buscar especialista</h1>" in page.text
    assert '<div lang="en">' not in page.text  # the page is translated, not marked English
    card = page.text[page.text.index("Dr Okafor") :]
    assert "<dd>inglés, yoruba</dd>" in card
    assert "<strong>Reino Unido</strong>" in card
    assert "<strong>India</strong>" in card
    assert "Especialidades" in card and "Licencias verificadas" in card


@pytest.mark.parametrize("place", ["Nueva York", "nueva york (estados unidos)", "New York"])
def test_a_place_typed_in_spanish_or_english_is_understood(client, directory_doctors, place):
    page = client.get("/specialists", query_string={"region": place}, headers=ES)
    assert page.status_code == 200
    assert names(page.text) == ["Dr García"]
    assert "Solo especialistas con licencia en <strong>Nueva York (Estados Unidos)</strong>." in (
        page.text
    )


def test_a_language_typed_in_spanish_is_understood(client, directory_doctors):
    page = client.get("/specialists", query_string={"language": "español"}, headers=ES)
    assert names(page.text) == ["Dr García"]


def test_the_specialists_page_in_spanish_with_the_place_on_the_profile(
    client, submit, make_account, directory_doctors
):
    patient = make_account(timezone="America/New_York", region="US-NY", language="es")
    submit("/login", {"email": patient.email, "password": PASSWORD})
    okafor = client.get(
        f"/specialists/{directory_doctors['okafor'].id}", query_string={"tz": "UTC"}
    )
    text = okafor.text
    assert '<html lang="es">' in text
    assert 'class="slot"' not in text
    assert "Dr Okafor no puede atenderle en Nueva York (Estados Unidos)." in text
    assert "tiene licencia en Reino Unido, India" in text
    assert "Es el lugar de su perfil." in text
    # Licence dates in Spanish: "hasta el 2 de marzo de 2027".
    assert re.search(r"hasta el <time datetime=\"[\d-]+\">\d{1,2} de \w+ de \d{4}</time>", text)

    garcia = client.get(
        f"/specialists/{directory_doctors['garcia'].id}", query_string={"tz": "UTC"}
    )
    assert "<dd>español</dd>" in garcia.text
    assert "Estará en <strong>Nueva York (Estados Unidos)</strong>" in garcia.text
    week = re.search(r'<h3 class="week-label">Semana del ([^<]+)</h3>', garcia.text).group(1)
    assert re.fullmatch(r"\w+, \d{1,2} de \w+ de \d{4}", week)  # "lunes, 2 de marzo de 2026"


def test_suggestions_follow_the_page_language(client, directory_doctors):
    found = client.get(
        "/api/v1/directory/suggestions",
        query_string={"field": "region", "q": "nueva y"},
        headers=ES,
    ).get_json()["items"]
    assert found[0] == {"label": "Nueva York (Estados Unidos)", "code": "US-NY"}
    spoken = client.get(
        "/api/v1/directory/suggestions", query_string={"field": "language", "q": "esp"}, headers=ES
    ).get_json()["items"]
    assert spoken[0] == {"label": "español", "code": "es"}


def test_the_specialists_page_in_hindi(client, directory_doctors):
    page = client.get(f"/specialists/{directory_doctors['okafor'].id}", headers=HI)
    assert '<html lang="hi">' in page.text
    assert "यूनाइटेड किंगडम" in page.text
    assert "सत्यापित लाइसेंस" in page.text
    searched = client.get("/specialists", query_string={"region": "न्यूयॉर्क"}, headers=HI)
    assert names(searched.text) == ["Dr García"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"region": "Narnia"}, "No conocemos el lugar «Narnia»."),
        (
            {"region": "Punjab"},
            "«Punjab» puede ser más de un lugar: Punjab (India) o Punjab (Pakistán).",
        ),
        ({"language": "élfico"}, "No conocemos el idioma «élfico»."),
    ],
)
def test_a_name_nobody_goes_by_is_explained_in_spanish(client, directory_doctors, query, message):
    page = client.get("/specialists", query_string=query, headers=ES)
    assert page.status_code == 422
    assert message in page.text
    api = client.get("/api/v1/specialists", query_string=query, headers=ES)
    assert api.status_code == 422
    assert message in api.get_json()["errors"][next(iter(query))][0]
