"""Bad input on every fee route: a clear 4xx problem, and nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from telesecond.extensions import db
from telesecond.models import AssistanceRequest, SponsorCode

GOOD_CODE = {
    "code": "ACME-2027",
    "sponsor_name": "Acme",
    "percent_off": 50,
    "max_uses": 3,
    "expires_at": "2026-06-01T00:00:00Z",
}


def stored() -> tuple[int, int, list]:
    db.session.expire_all()
    requests = db.session.scalar(select(func.count()).select_from(AssistanceRequest))
    codes = list(db.session.execute(select(SponsorCode.code, SponsorCode.uses)).all())
    return requests, len(codes), codes


@pytest.fixture
def people(make_account, admin, doctor, auth_header, make_code):
    """Tokens of a patient, an admin and a specialist, a pending request and a code."""
    patient = make_account()
    make_code()
    return {
        "patient": auth_header(patient),
        "admin": auth_header(admin),
        "specialist": auth_header(doctor),
        "doctor": doctor.id,
    }


def _cases(doctor_id: int):
    """(who, method, path, body, status, field) for each refusal."""
    assistance = "/api/v1/assistance-requests"
    waiver = {"specialist_id": doctor_id, "kind": "waiver", "reason": "Out of work."}
    return [
        (None, "post", assistance, waiver, 401, None),
        ("specialist", "post", assistance, waiver, 403, None),
        ("patient", "post", assistance, "not json", 415, None),
        ("patient", "post", assistance, b"{", 400, None),
        ("patient", "post", assistance, {**waiver, "kind": "gift"}, 422, "kind"),
        ("patient", "post", assistance, {**waiver, "reason": "x" * 501}, 422, "reason"),
        ("patient", "post", assistance, {**waiver, "reason": "a\x00b"}, 422, "reason"),
        ("patient", "post", assistance, {**waiver, "reason": "  "}, 422, "reason"),
        ("patient", "post", assistance, {**waiver, "specialist_id": 2**80}, 422, "specialist_id"),
        ("patient", "post", assistance, {**waiver, "specialist_id": 999999}, 404, None),
        ("patient", "post", assistance, {"kind": "waiver", "reason": "x"}, 422, "specialist_id"),
        ("patient", "post", assistance, {**waiver, "consultation_id": 5}, 422, "specialist_id"),
        (
            "patient",
            "post",
            assistance,
            {**waiver, "kind": "reduction", "offered_cents": 20000},
            422,
            "offered_cents",
        ),
        (None, "get", assistance, None, 401, None),
        ("admin", "get", assistance, None, 403, None),
        ("patient", "get", "/api/v1/admin/assistance-requests", None, 403, None),
        ("admin", "get", "/api/v1/admin/assistance-requests?status=maybe", None, 422, "status"),
        ("admin", "get", "/api/v1/admin/assistance-requests?cursor=x", None, 422, "cursor"),
        (
            "admin",
            "post",
            "/api/v1/admin/assistance-requests/999/decision",
            {"decision": "decline"},
            404,
            None,
        ),
        (
            "patient",
            "post",
            "/api/v1/admin/assistance-requests/1/decision",
            {"decision": "decline"},
            403,
            None,
        ),
        ("patient", "post", "/api/v1/sponsor-codes", GOOD_CODE, 403, None),
        ("admin", "post", "/api/v1/sponsor-codes", {**GOOD_CODE, "code": "acme-2027"}, 422, "code"),
        ("admin", "post", "/api/v1/sponsor-codes", {**GOOD_CODE, "code": "a b"}, 422, "code"),
        (
            "admin",
            "post",
            "/api/v1/sponsor-codes",
            {**GOOD_CODE, "code": "NEW-1", "percent_off": 101},
            422,
            "percent_off",
        ),
        (
            "admin",
            "post",
            "/api/v1/sponsor-codes",
            {**GOOD_CODE, "code": "NEW-1", "amount_off_cents": 500},
            422,
            "percent_off",
        ),
        (
            "admin",
            "post",
            "/api/v1/sponsor-codes",
            {**GOOD_CODE, "code": "NEW-1", "percent_off": None, "amount_off_cents": 500},
            422,
            "currency",
        ),
        (
            "admin",
            "post",
            "/api/v1/sponsor-codes",
            {**GOOD_CODE, "code": "NEW-1", "expires_at": "2020-01-01T00:00:00Z"},
            422,
            "expires_at",
        ),
        (
            "admin",
            "post",
            "/api/v1/sponsor-codes",
            {**GOOD_CODE, "code": "NEW-1", "expires_at": "0001-01-01T00:00:00Z"},
            422,
            "expires_at",
        ),
        (
            "admin",
            "post",
            "/api/v1/sponsor-codes",
            {**GOOD_CODE, "code": "NEW-1", "max_uses": 0},
            422,
            "max_uses",
        ),
        ("admin", "post", "/api/v1/sponsor-codes", [1, 2], 400, None),
        ("patient", "get", "/api/v1/sponsor-codes", None, 403, None),
        ("admin", "get", "/api/v1/sponsor-codes?state=sold", None, 422, "state"),
        (
            "admin",
            "post",
            "/api/v1/sponsor-codes/check",
            {"code": "ACME-2027", "specialist_id": 1},
            403,
            None,
        ),
        (
            "patient",
            "post",
            "/api/v1/sponsor-codes/check",
            {"specialist_id": doctor_id},
            422,
            "code",
        ),
        (
            "patient",
            "post",
            "/api/v1/sponsor-codes/check",
            {"code": "ACME-2027", "specialist_id": 999999},
            404,
            None,
        ),
        (
            "patient",
            "post",
            "/api/v1/sponsor-codes/check",
            {"code": "x" * 61, "specialist_id": doctor_id},
            422,
            "code",
        ),
        ("admin", "get", f"/api/v1/specialists/{doctor_id}/quote", None, 403, None),
        ("patient", "get", "/api/v1/specialists/999999/quote", None, 404, None),
        (
            "patient",
            "get",
            f"/api/v1/specialists/{doctor_id}/quote?sponsor_code=NOPE-0000",
            None,
            422,
            "sponsor_code",
        ),
    ]


def test_every_route_refuses_bad_input_with_a_problem_and_changes_nothing(client, people):
    before = stored()
    for who, method, path, body, status, field in _cases(people["doctor"]):
        headers = dict(people[who]) if who else {}
        kwargs: dict = {"headers": headers}
        if isinstance(body, (dict, list)):
            kwargs["json"] = body
        elif isinstance(body, bytes):
            kwargs.update(data=body, content_type="application/json")
        elif isinstance(body, str):
            kwargs.update(data=body, content_type="text/plain")
        answer = getattr(client, method)(path, **kwargs)
        case = f"{who} {method.upper()} {path} {body!r:.60}"
        assert answer.status_code == status, (case, answer.text)
        assert answer.mimetype == "application/problem+json", case
        if field:
            assert field in answer.get_json().get("errors", {}), (case, answer.get_json())
    assert stored() == before


def test_a_decision_with_a_bad_amount_changes_nothing(client, people):
    made = client.post(
        "/api/v1/assistance-requests",
        json={"specialist_id": people["doctor"], "kind": "waiver", "reason": "Out of work."},
        headers=people["patient"],
    )
    request_id = made.get_json()["id"]
    url = f"/api/v1/admin/assistance-requests/{request_id}/decision"
    for body, field in [
        ({"decision": "approve"}, "approved_cents"),
        ({"decision": "approve", "approved_cents": 20000}, "approved_cents"),
        ({"decision": "approve", "approved_cents": -1}, "approved_cents"),
        ({"decision": "maybe"}, "decision"),
        ({"decision": "decline", "note": "n" * 501}, "note"),
    ]:
        answer = client.post(url, json=body, headers=people["admin"])
        assert answer.status_code == 422, body
        assert field in answer.get_json()["errors"], body
    db.session.expire_all()
    assert db.session.get(AssistanceRequest, request_id).status == "pending"


def test_the_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/assistance-requests"]) == {"get", "post"}
    assert "get" in paths["/admin/assistance-requests"]
    assert "post" in paths["/admin/assistance-requests/{request_id}/decision"]
    assert set(paths["/sponsor-codes"]) == {"get", "post"}
    assert "post" in paths["/sponsor-codes/check"]
    assert "get" in paths["/specialists/{specialist_id}/quote"]
