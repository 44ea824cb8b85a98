"""Bad input is answered with problem+json 4xx, never a 5xx."""

from __future__ import annotations

import pytest


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert {"type", "title", "detail"} <= set(body)
    assert "Traceback" not in response.text
    return body


def test_unknown_api_route_is_a_problem_404(client):
    assert_problem(client.get("/api/v1/no-such-thing"), 404)


def test_wrong_method_is_a_problem_405_with_allow(client):
    response = client.put("/api/v1/tokens")
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


def test_malformed_json_is_400(client):
    response = client.post("/api/v1/accounts", data="{not json", content_type="application/json")
    assert_problem(response, 400)


def test_non_object_json_is_400(client):
    assert_problem(client.post("/api/v1/accounts", json=[1, 2, 3]), 400)


def test_form_body_is_415(client):
    assert_problem(client.post("/api/v1/accounts", data={"email": "x"}), 415)


def test_deeply_nested_json_is_400(client):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/accounts", data=body, content_type="application/json")
    assert response.status_code in (400, 413)
    assert response.mimetype == "application/problem+json"


def test_oversized_body_is_413(client):
    body = '{"full_name": "' + "a" * 400_000 + '"}'
    assert_problem(client.post("/api/v1/accounts", data=body, content_type="application/json"), 413)


@pytest.mark.parametrize(
    "patch",
    [
        {"full_name": "nul\x00byte"},
        {"full_name": 2**80},
        {"full_name": "a" * 5000},
        {"email": ["list"]},
        {"role": {"nested": {"deep": True}}},
        {"timezone": 1.5},
        {"phone": True},
    ],
)
def test_odd_values_are_422(client, patch):
    base = {
        "email": "x@example.org",
        "password": "long-enough-pw",
        "full_name": "X",
        "role": "patient",
        "timezone": "UTC",
    }
    body = assert_problem(client.post("/api/v1/accounts", json={**base, **patch}), 422)
    assert set(patch) <= set(body["errors"])


def test_lone_surrogate_is_422(client):
    raw = (
        '{"email": "x@example.org", "password": "long-enough-pw", "full_name": "\\ud800",'
        ' "role": "patient", "timezone": "UTC"}'
    )
    body = assert_problem(
        client.post("/api/v1/accounts", data=raw, content_type="application/json"), 422
    )
    assert "full_name" in body["errors"]


def test_html_404_is_a_page_not_json(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "could not find" in response.text


@pytest.mark.parametrize("query", ["specialty=%00", "language=a%00b", "%00=x"])
def test_query_text_that_cannot_be_stored_is_422(client, query):
    response = client.get(f"/api/v1/specialists?{query}")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
