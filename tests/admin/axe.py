"""axe-core checks of a page in Chromium: WCAG 2.1 A and AA, no sideways scrolling."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def assert_accessible(page) -> None:
    """No axe violation of WCAG 2.1 A/AA on the page as it stands."""
    results = Axe().run(page, options=WCAG)
    violations = results.response["violations"]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def assert_no_sideways_scroll(page) -> None:
    """At a phone's width the page does not scroll sideways."""
    page.set_viewport_size({"width": 360, "height": 740})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
