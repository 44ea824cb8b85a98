"""Which language a page speaks: the account's choice, the switcher's cookie, the browser."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import Account
from tests.web_forms import csrf_token, login


def html_lang(page: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', page)
    assert match, "no <html lang>"
    return match.group(1)


def h1(page: str) -> str:
    match = re.search(r"<h1[^>]*>([^<]+)</h1>", page)
    assert match, "no <h1>"
    return match.group(1).strip()


@pytest.mark.parametrize(
    ("accept", "lang", "heading"),
    [
        ("es-ES,es;q=0.9,en;q=0.8", "es-ES", "Iniciar sesión"),
        ("fr-FR,hi;q=0.8", "hi", "साइन इन करें"),
        ("fr, de;q=0.5", "en", "Sign in"),
        ("", "en", "Sign in"),
        ("en-US,en;q=0.9", "en-US", "Sign in"),
    ],
)
def test_until_someone_chooses_the_browser_preference_decides(client, accept, lang, heading):
    page = client.get("/login", headers={"Accept-Language": accept})
    assert page.status_code == 200
    assert (html_lang(page.text), h1(page.text)) == (lang, heading)


def test_form_labels_errors_and_the_error_summary_are_translated(client):
    token = csrf_token(client.get("/login", headers={"Accept-Language": "es"}).text)
    page = client.post(
        "/login",
        data={"email": "", "password": "", "csrf_token": token},
        headers={"Accept-Language": "es"},
    )
    assert page.status_code == 422
    assert "Hay un problema con este formulario" in page.text
    assert "Correo electrónico: Este campo es obligatorio." in page.text
    assert '<span class="error-prefix">Error:</span> Este campo es obligatorio.' in page.text


def test_error_pages_speak_the_browser_language(client):
    page = client.get("/no-such-page", headers={"Accept-Language": "hi"})
    assert page.status_code == 404
    assert html_lang(page.text) == "hi"
    assert "हमें वह पेज नहीं मिला।" in page.text


def test_the_switcher_keeps_a_visitors_choice_in_a_cookie(client):
    page = client.get("/login?next=%2Faccount", headers={"Accept-Language": "en"})
    assert 'action="/language"' in page.text
    assert '<input type="hidden" name="next" value="/login">' in page.text
    answer = client.post(
        "/language",
        data={"language": "es", "next": "/login", "csrf_token": csrf_token(page.text)},
        # The query comes back from the Referer, when it names the same page.
        headers={"Accept-Language": "en", "Referer": "http://localhost/login?next=%2Faccount"},
    )
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/login?next=%2Faccount"
    cookie = client.get_cookie("language")
    assert cookie is not None and cookie.value == "es" and cookie.http_only
    # The cookie outlives the browser's preference.
    again = client.get("/login", headers={"Accept-Language": "en"})
    assert (html_lang(again.text), h1(again.text)) == ("es", "Iniciar sesión")


def test_the_switcher_keeps_the_browsers_region_for_the_same_language(client):
    page = client.get("/login", headers={"Accept-Language": "en-US,es;q=0.5"})
    client.post(
        "/language",
        data={"language": "en", "next": "/", "csrf_token": csrf_token(page.text)},
        headers={"Accept-Language": "en-US,es;q=0.5"},
    )
    assert client.get_cookie("language").value == "en-US"


@pytest.mark.parametrize("choice", ["fr", "", "es-<b>", "x" * 100])
def test_the_switcher_refuses_a_language_not_offered_and_changes_nothing(client, choice):
    page = client.get("/login")
    answer = client.post(
        "/language", data={"language": choice, "next": "/", "csrf_token": csrf_token(page.text)}
    )
    assert answer.status_code == 422
    assert "Choose one of the languages offered." in answer.text
    assert client.get_cookie("language") is None


def test_the_switcher_needs_the_forms_token(client):
    answer = client.post("/language", data={"language": "es", "next": "/"})
    assert answer.status_code == 400
    assert client.get_cookie("language") is None


def test_the_switcher_follows_next_only_on_this_site(client):
    page = client.get("/login")
    answer = client.post(
        "/language",
        data={
            "language": "es",
            "next": "https://evil.example/",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert answer.headers["Location"] == "/"


def test_a_signed_in_persons_choice_is_saved_and_beats_the_browser(client, make_account):
    account = make_account()
    login(client, account)
    page = client.get("/account", headers={"Accept-Language": "hi"})
    assert html_lang(page.text) == "hi"
    client.post(
        "/language",
        data={"language": "es", "next": "/account", "csrf_token": csrf_token(page.text)},
        headers={"Accept-Language": "hi"},
    )
    db.session.expire_all()
    assert db.session.get(Account, account.id).language == "es"
    client.delete_cookie("language")  # another browser of the same person
    page = client.get("/account", headers={"Accept-Language": "hi"})
    assert (html_lang(page.text), h1(page.text)) == ("es", "Mi cuenta")


def test_signing_up_records_the_language_of_the_sign_up_page(client):
    headers = {"Accept-Language": "es-MX,es;q=0.9"}
    page = client.get("/register", headers=headers)
    client.post(
        "/register",
        data={
            "full_name": "Frida Kahlo",
            "email": "frida@example.org",
            "password": "casa-azul-coyoacan-1907",
            "role": "patient",
            "timezone": "America/Mexico_City",
            "csrf_token": csrf_token(page.text),
        },
        headers=headers,
    )
    account = db.session.scalars(select(Account)).one()
    assert account.language == "es-MX"


def test_the_api_shows_and_changes_the_language(client, make_account, auth_header):
    account = make_account()
    headers = auth_header(account)
    assert client.get("/api/v1/me", headers=headers).get_json()["language"] is None

    answer = client.patch("/api/v1/me", json={"language": "es-mx"}, headers=headers)

    assert answer.status_code == 200
    assert answer.get_json()["language"] == "es-MX"
    assert client.get("/api/v1/me", headers=headers).get_json()["language"] == "es-MX"


@pytest.mark.parametrize("value", ["fr", "english", "", 7, None])
def test_the_api_refuses_a_language_not_shipped(client, make_account, auth_header, value):
    account = make_account(language="hi")
    answer = client.patch("/api/v1/me", json={"language": value}, headers=auth_header(account))
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert "language" in answer.get_json()["errors"]
    db.session.expire_all()
    assert db.session.get(Account, account.id).language == "hi"


def test_pages_write_times_in_the_pages_language_with_the_zone_named(client, make_account, clock):
    account = make_account(timezone="America/New_York")
    login(client, account)
    us = client.get("/account/sessions", headers={"Accept-Language": "en-US"}).text
    es = client.get("/account/sessions", headers={"Accept-Language": "es"}).text
    # The frozen clock says Mon 2 Mar 2026, 09:00 UTC: 04:00 in New York.
    assert "Mon 02 Mar 2026, 4:00 AM (America/New_York, EST)" in us
    assert "lun 02 mar 2026, 04:00 (America/New_York, EST)" in es


def test_an_admin_page_in_spanish_has_no_text_marked_english(
    client, make_account, make_specialist, sign_in
):
    # Every page is translated now (issue 19.10): one specialist's review page, the last
    # of the admin's console, was the example of text left in English.
    specialist = make_specialist(full_name="Dr Ines Vidal")
    sign_in(make_account("admin", language="es"))
    review = client.get(f"/admin/specialists/{specialist.id}").text
    login_page = client.get("/login", headers={"Accept-Language": "es"}).text
    english = client.get("/video/guests/no-such-link", headers={"Accept-Language": "en"}).text

    assert html_lang(review) == "es"
    assert "Dr Ines Vidal" in review and "Lo que declara el especialista" in review
    assert '<div lang="en">' not in review
    assert '<div lang="en">' not in login_page
    assert '<div lang="en">' not in english
