"""What every admin page must pass in Chromium: axe-core finds no WCAG 2.1 A/AA
violation, and a phone-sized window never scrolls sideways."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 360, "height": 740}

_axe = Axe()


def axe_violations(page: Page) -> list[str]:
    """The WCAG 2.1 A/AA rules the page breaks, with the elements that break them."""
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


def check_page(page: Page) -> None:
    """Fail with the broken rules, or the overflow, of the page as it stands."""
    assert axe_violations(page) == [], page.url
    assert sideways_overflow(page) <= 0, f"{page.url} scrolls sideways on a phone"
