"""Accessibility checks of a page in Chromium: axe-core's WCAG 2.1 A/AA rules, phone width."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 360, "height": 740}
_axe = Axe()


def axe_violations(page: Page) -> list[str]:
    """The WCAG 2.1 A/AA rules the page breaks, with the first elements that break them."""
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    results = _axe.run(page, options=options)
    return [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]


def sideways_overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


def scrolls_sideways(page: Page) -> bool:
    """Whether the page is wider than the window (it must not be, on a phone)."""
    return sideways_overflow(page) > 0


def assert_accessible(page: Page) -> None:
    """No axe violation of WCAG 2.1 A/AA on the page as it stands."""
    assert axe_violations(page) == [], page.url


def assert_no_sideways_scroll(page: Page) -> None:
    """At a phone's width the page does not scroll sideways (the window stays that size)."""
    page.set_viewport_size(PHONE)
    assert sideways_overflow(page) <= 0, f"{page.url} scrolls sideways on a phone"


def check_page(page: Page) -> None:
    """No axe violation at the current size, and none and no sideways scroll on a phone."""
    assert_accessible(page)
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        assert_accessible(page)
        assert sideways_overflow(page) <= 0, f"{page.url} scrolls sideways on a phone"
    finally:
        if size:
            page.set_viewport_size(size)


def assert_fits_a_phone(page: Page) -> None:
    """No axe violation and no sideways scrolling at 390 px, none at 320 px either; the
    window is then put back as it was."""
    size = page.viewport_size
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        assert axe_violations(page) == [], page.url
        assert not scrolls_sideways(page), page.url
        page.set_viewport_size({"width": 320, "height": 640})
        assert not scrolls_sideways(page), page.url
    finally:
        if size:
            page.set_viewport_size(size)
