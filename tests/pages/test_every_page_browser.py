"""Every page the app serves, as each role sees it, in Chromium (issue 19, point 11).

For each (role, page) of tests/pages/plan.py: axe-core finds no WCAG 2.1 A/AA violation at
1280 px and at 390 px wide, and the page does not scroll sideways at 390 or 320 px, with its
folded sections open. A few of the patient's pages are checked once more in Spanish, and a
few forms once more as they come back with errors.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from tests.pages.plan import (
    DESKTOP,
    FORMS_SENT_EMPTY,
    NARROWEST,
    PHONE,
    SPANISH,
    VISITS,
    Visit,
)
from tests.support.accessibility import axe_violations, sideways_overflow

pytestmark = pytest.mark.browser

WIDTHS = (DESKTOP, PHONE)


def open_page(page: Page, site, visit: Visit) -> None:
    """Go to the visit's page and check it is that page, not a redirect or an error."""
    path = visit.path(site.scenario)
    page.set_viewport_size(DESKTOP)
    response = page.goto(site.url(visit.server, path))
    assert response is not None
    assert response.status == visit.status, f"{path} answered {response.status}"
    reached = urlsplit(page.url).path
    assert reached == urlsplit(path).path, f"{path} went to {reached}"
    if visit.endpoint:
        adapter = site.apps[visit.server].url_map.bind("localhost")
        assert adapter.match(reached, method="GET")[0] == visit.endpoint
    if visit.shows:
        assert page.locator(visit.shows).count() == 1, f"{path} does not show {visit.shows}"


def unfold(page: Page) -> int:
    """Open every folded section (``<details>``), so that what it holds is checked too."""
    return page.evaluate(
        "() => { const folded = document.querySelectorAll('details:not([open])');"
        " folded.forEach(d => { d.open = true; }); return folded.length; }"
    )


def problems_of(page: Page) -> list[str]:
    """The axe violations at each width and any sideways scroll at the narrowest, with
    every folded section open."""
    unfold(page)
    found = []
    for size in WIDTHS:
        page.set_viewport_size(size)
        found += [f"at {size['width']} px: {v}" for v in axe_violations(page)]
    for size in (PHONE, NARROWEST):
        page.set_viewport_size(size)
        overflow = sideways_overflow(page)
        if overflow > 0:
            found.append(f"at {size['width']} px the page is {overflow} px too wide")
    page.set_viewport_size(DESKTOP)
    return found


@pytest.mark.parametrize("visit", VISITS, ids=lambda visit: visit.id)
def test_page_is_accessible_at_every_width(visit: Visit, site, role_page):
    page = role_page(visit.role)
    open_page(page, site, visit)
    assert problems_of(page) == []


@pytest.mark.parametrize("visit", SPANISH, ids=lambda visit: visit.id)
def test_patient_page_is_accessible_in_spanish(visit: Visit, site, spanish_page):
    page = spanish_page(visit.role)
    open_page(page, site, visit)
    assert page.evaluate("document.documentElement.lang").startswith("es")
    assert problems_of(page) == []


@pytest.mark.parametrize("visit", FORMS_SENT_EMPTY, ids=lambda visit: visit.id)
def test_form_sent_empty_answers_with_accessible_errors(visit: Visit, site, role_page):
    page = role_page(visit.role)
    open_page(page, site, visit)
    form = page.locator("main form[method=post]").first
    with page.expect_navigation() as navigation:
        form.locator("[type=submit]").last.click()
    answer = navigation.value
    assert answer is not None and 400 <= answer.status < 500, answer and answer.status
    assert page.locator(".error-summary, [aria-invalid=true]").count() > 0
    assert problems_of(page) == []
