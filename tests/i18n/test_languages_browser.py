"""Languages in a real Chromium: the browser's preference, the switcher by keyboard, axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.accounts.accessibility import check_page

pytestmark = pytest.mark.browser


@pytest.fixture
def spanish_page(chromium_browser):
    """A page in a browser whose preferred language is Spanish (Spain)."""
    context = chromium_browser.new_context(locale="es-ES")
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
    finally:
        context.close()


def test_a_spanish_browser_sees_the_sign_in_page_in_spanish(live_app, spanish_page):
    page = spanish_page
    page.goto(live_app.url + "/login")
    expect(page.locator("html")).to_have_attribute("lang", "es-ES")
    expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sesión")
    expect(page.get_by_label("Correo electrónico")).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("no es para urgencias")
    expect(page.get_by_label("Idioma")).to_have_value("es")
    check_page(page)


def test_the_switcher_changes_the_language_by_keyboard_and_keeps_it(live_app, browser_page):
    page = browser_page
    page.goto(live_app.url + "/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    select = page.get_by_label("Language")
    select.focus()
    # Arrow keys change a focused <select> without opening it; the form is sent with
    # the button, reached with Tab and pressed with Enter (nothing happens on change).
    select.press("ArrowDown")
    expect(select).to_have_value("es")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Change language")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page).to_have_url(live_app.url + "/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sesión")
    # It stays: another page, and the same page again.
    page.get_by_role("link", name="Crear una cuenta").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Crear una cuenta")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto(live_app.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hable con otro especialista")

    page.get_by_label("Idioma").select_option("hi")
    page.get_by_role("button", name="Cambiar idioma").click()
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.get_by_role("link", name="विशेषज्ञ खोजें").first).to_be_visible()


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/forgot-password", "/no-such-page"])
def test_spanish_pages_pass_axe_at_desktop_and_phone_width(live_app, spanish_page, path):
    page = spanish_page
    page.goto(live_app.url + path)
    expect(page.locator("html")).to_have_attribute("lang", "es-ES")
    check_page(page)


def test_a_spanish_form_with_errors_passes_axe(live_app, spanish_page):
    page = spanish_page
    page.goto(live_app.url + "/register")
    page.get_by_role("button", name="Crear cuenta").click()
    expect(page.get_by_role("alert")).to_contain_text("Hay un problema con este formulario")
    expect(page.get_by_role("alert")).to_contain_text("Nombre completo: Este campo es obligatorio.")
    check_page(page)


def test_the_header_does_not_scroll_sideways_at_320_px_in_hindi(live_app, chromium_browser):
    context = chromium_browser.new_context(locale="hi-IN", viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        page.goto(live_app.url + "/login")
        expect(page.get_by_role("heading", level=1)).to_have_text("साइन इन करें")
        assert not page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "/login"])
def test_hindi_pages_pass_axe_at_desktop_and_phone_width(live_app, chromium_browser, path):
    context = chromium_browser.new_context(locale="hi-IN")
    try:
        page = context.new_page()
        page.goto(live_app.url + path)
        expect(page.locator("html")).to_have_attribute("lang", "hi-IN")
        check_page(page)
    finally:
        context.close()
