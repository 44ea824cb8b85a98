"""Headers every answer carries: no caching of API answers, HSTS in production."""

from __future__ import annotations

import base64

import pytest

from tests.credentials import PASSWORD

HSTS = "max-age=31536000; includeSubDomains"


def cache_directives(response) -> set[str]:
    value = response.headers.get("Cache-Control", "")
    return {part.strip().lower() for part in value.split(",") if part.strip()}


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("get", "/api/v1/openapi.json", {}, 200),
        ("get", "/api/v1/specialists", {}, 200),
        ("get", "/api/v1/me", {}, 401),
        ("get", "/api/v1/no-such-thing", {}, 404),
        ("post", "/api/v1/tokens", {"data": "x", "content_type": "text/plain"}, 415),
        ("post", "/api/v1/tokens", {"json": {"email": "a@b.example"}}, 422),
        ("post", "/api/v1/tokens", {"json": {"email": "a@b.example", "password": "x" * 12}}, 401),
        ("delete", "/api/v1/specialists", {}, 405),
    ],
)
def test_every_api_answer_says_no_store(client, method, path, kwargs, status) -> None:
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status
    assert "no-store" in cache_directives(response)


def test_api_answers_for_a_signed_in_caller_say_no_store(client, make_account) -> None:
    patient = make_account()
    token = client.post("/api/v1/tokens", json={"email": patient.email, "password": PASSWORD})
    assert token.status_code == 201, token.get_json()
    assert "no-store" in cache_directives(token)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.json['token']}"})
    assert me.status_code == 200
    assert "no-store" in cache_directives(me)


def test_no_hsts_outside_production(client) -> None:
    assert "Strict-Transport-Security" not in client.get("/login").headers
    assert "Strict-Transport-Security" not in client.get("/api/v1/openapi.json").headers


def test_production_answers_carry_hsts(make_app) -> None:
    app = make_app(
        TELESECOND_ENV="production",
        SECRET_KEY="p" * 40,
        DOCUMENT_ENCRYPTION_KEY=base64.urlsafe_b64encode(b"k" * 32).decode(),
        WEB_CONCURRENCY=None,
        PUBLIC_BASE_URL="https://clinic.example",
        VIDEO_ALLOW_PUBLIC_ROOMS=True,
    )
    client = app.test_client()
    for path in ("/login", "/api/v1/openapi.json", "/api/v1/me", "/no-such-page"):
        assert (
            client.get(path, base_url="https://localhost").headers.get("Strict-Transport-Security")
            == HSTS
        ), path
