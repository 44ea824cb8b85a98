"""Accessibility checks of a page in Chromium: axe-core's WCAG 2.1 A/AA rules, phone width."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 360, "height": 740}
_axe = Axe()


def axe_violations(page) -> list[str]:
    """The WCAG 2.1 A/AA rules the page breaks, as ``rule: help (n nodes)``."""
    results = _axe.run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": []}
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in results.response["violations"]
    ]


def scrolls_sideways(page) -> bool:
    """Whether the page is wider than the viewport (it must not be, on a phone)."""
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def check_page(page) -> None:
    """No axe violation at the current size, and none and no sideways scroll on a phone."""
    assert axe_violations(page) == [], page.url
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        assert axe_violations(page) == [], page.url
        assert not scrolls_sideways(page), page.url
    finally:
        if size:
            page.set_viewport_size(size)
