"""Ids in URLs: beyond the 32-bit id columns, or not ASCII digits, a route is a clean 404."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

from telesecond.web.converters import MAX_ID
from tests.credentials import PASSWORD
from tests.web_forms import csrf_token

ARG = re.compile(r"<(?:([a-z_]+)(?:\([^)]*\))?:)?([a-z_]+)>")
TOO_LARGE = [2**31, 2**63, 2**80, "0" * 30 + str(2**31)]
# The route families with ids that the issue names; each must be among the routes checked.
FAMILIES = {
    "/api/v1/specialists/{}",
    "/api/v1/specialists/{}/slots",
    "/api/v1/consultations/{}",
    "/api/v1/consultations/{}/documents/{}",
    "/api/v1/consultations/{}/opinion",
    "/specialists/{}",
    "/book/{}",
    "/consultations/{}",
    "/consultations/{}/documents/{}",
    "/consultations/{}/opinion",
}


def id_routes(app) -> list[tuple[str, str, str]]:
    """(rule pattern with {} for each id, method, endpoint) for every route taking an id."""
    found = []
    for rule in app.url_map.iter_rules():
        converters = rule._converters.values()
        if not converters or not all(isinstance(c, IntegerConverter) for c in converters):
            continue
        pattern = ARG.sub("{}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((pattern, method, rule.endpoint))
    return found


def call(client, method: str, url: str, **kwargs):
    return client.open(url, method=method, **kwargs)


def test_every_id_route_family_is_checked(app):
    patterns = {pattern for pattern, _, _ in id_routes(app)}
    assert not FAMILIES - patterns, FAMILIES - patterns


@pytest.mark.parametrize("value", TOO_LARGE, ids=["2^31", "2^63", "2^80", "zero-padded"])
def test_ids_beyond_the_columns_are_404_on_every_route(app, client, submit, value, make_account):
    """Signed in on both sides (a session and a bearer token), so no login wall hides a 500."""
    patient = make_account()
    assert submit("/login", {"email": patient.email, "password": PASSWORD}).status_code == 302
    routes = id_routes(app)
    assert len(routes) >= 20
    for pattern, method, endpoint in routes:
        url = pattern.format(*[value] * pattern.count("{}"))
        response = call(client, method, url)
        assert response.status_code == 404, (method, url, endpoint, response.status_code)
        if url.startswith("/api/v1/"):
            assert response.mimetype == "application/problem+json", (method, url)


@pytest.mark.parametrize("text", ["٣", "３", "1e3", "-1", "0x10", "1.0"])
def test_ids_that_are_not_plain_digits_are_404(client, text):
    for url in (f"/specialists/{text}", f"/api/v1/specialists/{text}", f"/consultations/{text}"):
        assert client.get(url).status_code == 404, url


def test_the_largest_id_reaches_the_database_and_is_404(
    app, client, submit, make_account, auth_header
):
    """2^31-1 still fits the columns: every reading route looks it up and finds nothing."""
    patient = make_account()
    headers = auth_header(patient)
    assert submit("/login", {"email": patient.email, "password": PASSWORD}).status_code == 302
    token = csrf_token(client.get("/account").text)
    for pattern, method, endpoint in id_routes(app):
        url = pattern.format(*[MAX_ID] * pattern.count("{}"))
        if url.startswith("/api/v1/"):
            response = call(client, method, url, headers=headers, json={})
        elif method == "GET":  # a page may pass the id on (the call page to the join page)
            response = call(client, method, url, follow_redirects=True)
        else:
            response = call(client, method, url, data={"csrf_token": token})
        if method == "GET" and url.startswith("/admin/"):
            # Admin pages refuse others before any lookup (tests/admin looks up as an admin).
            assert response.status_code == 403, (method, url, endpoint, response.status_code)
        elif method == "GET":
            assert response.status_code == 404, (method, url, endpoint, response.status_code)
        else:
            # Writes may refuse the empty form or body (a flash and 302, or 422) or the role
            # (403) before the lookup; none may succeed, none may fail with a 5xx.
            assert response.status_code in {302, 403, 404, 415, 422}, (method, url, endpoint)


def test_ids_in_range_still_route(app, client, make_specialist):
    doctor = make_specialist(full_name="Dr Ada Vance")
    assert client.get(f"/specialists/{doctor.id}").status_code == 200
    assert client.get(f"/api/v1/specialists/{doctor.id}").status_code == 200
    assert client.get(f"/specialists/000{doctor.id}").status_code == 200


def test_the_openapi_document_bounds_the_ids(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    [param] = paths["/specialists/{specialist_id}"]["get"]["parameters"]
    assert param["schema"] == {"type": "integer", "minimum": 0, "maximum": MAX_ID}
