"""The document pages in Chromium: no axe violation, no sideways scroll on a phone."""

from __future__ import annotations

import pytest

from tests.accounts.accessibility import check_page, scrolls_sideways

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "path",
    [
        "/test-documents/opinion/en",
        "/test-documents/opinion-long",
        "/test-documents/receipt/en",
        "/test-documents/receipt-long",
    ],
)
def test_document_pages_are_accessible_and_fit_a_phone(
    documents_app, live_server_factory, browser_page, path
):
    server = live_server_factory(documents_app)
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server.url + path)
    assert page.locator("h1").inner_text() in ("Second opinion", "Receipt")
    check_page(page)  # axe at desktop and phone width, no sideways scroll at 360 px
    for width in (390, 320):
        page.set_viewport_size({"width": width, "height": 800})
        assert not scrolls_sideways(page), f"{path} scrolls sideways at {width} px"
