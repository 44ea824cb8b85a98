"""The documents as pages: the same body in the site's layout, in the reader's language."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize(
    ("url", "title", "shown"),
    [
        ("/test-documents/opinion/fr", "Second opinion C000042 · telesecond", "lundi 2 mars 2026"),
        ("/test-documents/receipt/de", "Receipt R-2026-000117 · telesecond", "180,00\xa0€"),
    ],
)
def test_the_page_wraps_the_document_in_the_site_layout(documents_app, url, title, shown):
    page = documents_app.test_client().get(url)
    assert page.status_code == 200
    html = page.text
    assert f"<title>{title}</title>" in html
    assert re.search(r'<article class="document" lang="(fr|de)"', html)
    assert len(re.findall(r"<h1\b", html)) == 1
    assert 'class="site-header"' in html and 'id="main"' in html
    assert shown in html
    assert "css/document.css" in html


def test_the_pages_stylesheet_is_served(documents_app):
    response = documents_app.test_client().get("/static/css/document.css")
    try:
        assert response.status_code == 200
        assert b"overflow-wrap: anywhere" in response.data
    finally:
        response.close()


def test_what_people_typed_is_shown_as_typed_never_as_markup(documents_app):
    html = documents_app.test_client().get("/test-documents/opinion-markup").text
    shown = "&lt;b&gt;Dose&lt;/b&gt; &lt; 5 mg &amp; 100% %(x)s"
    assert f'<p class="written">{shown}</p>' in html  # the summary and the answer
    assert f"Question 1: {shown}</h3>" in html
    assert f"Signed electronically by {shown} on <time" in html
    assert "<b>Dose" not in html
