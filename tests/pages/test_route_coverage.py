"""Every GET route of the app is crawled for accessibility or excluded with a reason.

A new page that is in neither list fails here: add a visit to tests/pages/plan.py (and,
if it needs data, to tests/pages/scenario.py), or exclude it with the reason it is no page.
"""

from __future__ import annotations

from tests.pages.plan import EXCLUDED, ROLES, SPANISH, VISITS, excluded_reason


def get_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}


def test_every_get_route_is_crawled_or_excluded_with_a_reason(app):
    crawled = {visit.endpoint for visit in VISITS if visit.endpoint}
    uncovered = sorted(
        endpoint
        for endpoint in get_endpoints(app)
        if endpoint not in crawled and not excluded_reason(endpoint)
    )
    assert uncovered == [], (
        "GET routes no accessibility check opens: add them to VISITS in tests/pages/plan.py "
        f"or to EXCLUDED with the reason: {uncovered}"
    )


def test_the_lists_name_only_routes_that_exist(app):
    served = get_endpoints(app)
    stale = sorted({v.endpoint for v in VISITS + SPANISH if v.endpoint} - served)
    assert stale == [], f"visits of routes the app no longer serves: {stale}"
    gone = sorted(set(EXCLUDED) - served)
    assert gone == [], f"exclusions of routes the app no longer serves: {gone}"
    both = sorted({v.endpoint for v in VISITS} & set(EXCLUDED))
    assert both == [], f"routes both crawled and excluded: {both}"


def test_each_visit_is_named_once_and_each_role_is_crawled():
    ids = [visit.id for visit in VISITS]
    assert len(ids) == len(set(ids)), "two visits share a name: give one a label"
    assert {visit.role for visit in VISITS} == set(ROLES)
