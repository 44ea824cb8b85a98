"""The JSON API for what lowers a fee: assistance requests, sponsor codes and their quotes."""

from __future__ import annotations

from flask import g, jsonify, request

from telesecond.api.auth import require_auth
from telesecond.api.blueprint import bp
from telesecond.api.openapi import documented
from telesecond.api.parsing import Fields, json_object
from telesecond.api.schemas import SCHEMAS
from telesecond.clock import utcnow
from telesecond.domain.instants import to_rfc3339
from telesecond.domain.pricing import MAX_CENTS, Quote
from telesecond.models import AssistanceRequest, SponsorCode
from telesecond.services.errors import Invalid
from telesecond.services.fees import assistance, quotes, sponsor_codes

MAX_CODE = 60


def quote_json(quote: Quote) -> dict:
    """A quote: the fee, each reduction and the amount due, in minor units."""
    return {
        "fee_cents": quote.fee_cents,
        "currency": quote.currency,
        "lines": [
            {"kind": line.kind, "label": line.label, "amount_cents": line.amount_cents}
            for line in quote.lines
        ],
        "amount_cents": quote.amount_cents,
    }


def assistance_json(row: AssistanceRequest, *, admin: bool = False) -> dict:
    """A request as its patient (or, with the patient's address, an admin) sees it."""
    body = {
        "id": row.id,
        "specialist_id": row.specialist_id,
        "consultation_id": row.used_by_id,
        "kind": row.kind,
        "offered_cents": row.offered_cents,
        "fee_cents": row.fee_cents,
        "currency": row.currency,
        "reason": row.reason,
        "status": row.status,
        "approved_cents": row.approved_cents,
        "decision_note": row.decision_note,
        "decided_at": to_rfc3339(row.decided_at),
        "created_at": to_rfc3339(row.created_at),
    }
    if admin:
        body["patient_id"] = row.patient_id
        body["patient_email"] = row.patient.email
    return body


def code_json(code: SponsorCode) -> dict:
    """A sponsor code as admins see it."""
    return {
        "id": code.id,
        "code": code.code,
        "sponsor_name": code.sponsor_name,
        "percent_off": code.percent_off,
        "amount_off_cents": code.amount_off_cents,
        "currency": code.currency,
        "max_uses": code.max_uses,
        "uses": code.uses,
        "expires_at": to_rfc3339(code.expires_at),
        "state": sponsor_codes.state(code, utcnow()),
        "created_at": to_rfc3339(code.created_at),
    }


@bp.post("/assistance-requests")
@documented(
    "Patient: ask for a reduced fee or a waiver (no clinical details needed)",
    body="AssistanceRequestInput",
    ok="201",
    response="AssistanceRequest",
    errors=("400", "403", "404", "409", "422"),
)
@require_auth("patient")
def create_assistance_request():
    f = Fields(json_object())
    specialist_id = f.integer("specialist_id", required=False, minimum=1)
    consultation_id = f.integer("consultation_id", required=False, minimum=1)
    kind = f.string("kind", max_len=20)
    offered = f.integer("offered_cents", required=False, maximum=MAX_CENTS)
    reason = f.string("reason", max_len=assistance.MAX_REASON)
    f.check()
    row = assistance.ask(
        g.api_account,
        assistance.Ask(
            kind=kind or "",
            reason=reason or "",
            specialist_id=specialist_id,
            consultation_id=consultation_id,
            offered_cents=offered,
        ),
        now=utcnow(),
        ip=request.remote_addr,
    )
    return jsonify(assistance_json(row)), 201


@bp.get("/assistance-requests")
@documented("Patient: their requests for help with a fee", response="AssistanceRequestPage")
@require_auth("patient")
def list_assistance_requests():
    rows = assistance.mine(g.api_account)
    return jsonify({"items": [assistance_json(r) for r in rows], "next": None})


@bp.get("/admin/assistance-requests")
@documented(
    "Admin: requests for help with a fee (status?, person?, page?)",
    response="AdminAssistanceRequestPage",
    errors=("403", "422"),
)
@require_auth("admin")
def admin_list_assistance_requests():
    filters = assistance.Filters(
        status=request.args.get("status", "")[:20], person=request.args.get("person", "")[:254]
    )
    page = _page()
    found = assistance.search(filters, page=page)
    rows = [assistance_json(row, admin=True) for row, _email in found.items]
    return jsonify({"items": rows, "next": str(page + 1) if found.has_next else None})


@bp.post("/admin/assistance-requests/<int:request_id>/decision")
@documented(
    "Admin: approve (approved_cents: what the patient pays, 0 waives) or decline",
    body="AssistanceDecision",
    response="AdminAssistanceRequest",
    errors=("400", "403", "404", "409", "422"),
)
@require_auth("admin")
def admin_decide_assistance(request_id: int):
    f = Fields(json_object())
    decision = f.string("decision", max_len=20)
    approved = f.integer("approved_cents", required=False, maximum=MAX_CENTS)
    note = f.string("note", required=False, max_len=assistance.MAX_NOTE)
    f.check()
    row = assistance.decide(
        g.api_account,
        request_id,
        decision=decision or "",
        approved_cents=approved,
        note=note,
        now=utcnow(),
        ip=request.remote_addr,
    )
    return jsonify(assistance_json(row, admin=True))


@bp.post("/sponsor-codes")
@documented(
    "Admin: create a sponsor code (percent_off or amount_off_cents with currency)",
    body="SponsorCodeInput",
    ok="201",
    response="SponsorCode",
    errors=("400", "403", "422"),
)
@require_auth("admin")
def create_sponsor_code():
    f = Fields(json_object())
    new = sponsor_codes.NewCode(
        code=f.string("code", max_len=MAX_CODE) or "",
        sponsor_name=f.string("sponsor_name", max_len=sponsor_codes.MAX_NAME) or "",
        max_uses=f.integer("max_uses", minimum=1, maximum=sponsor_codes.MAX_USES) or 0,
        expires_at=f.instant("expires_at"),  # type: ignore[arg-type]
        percent_off=f.integer("percent_off", required=False, minimum=1, maximum=100),
        amount_off_cents=f.integer(
            "amount_off_cents", required=False, minimum=1, maximum=MAX_CENTS
        ),
        currency=f.string("currency", required=False, max_len=3),
    )
    f.check()
    code = sponsor_codes.create(g.api_account, new, now=utcnow(), ip=request.remote_addr)
    return jsonify(code_json(code)), 201


@bp.get("/sponsor-codes")
@documented(
    "Admin: sponsor codes (state?: active, used_up, expired; q?: code or sponsor; page?)",
    response="SponsorCodePage",
    errors=("403", "422"),
)
@require_auth("admin")
def list_sponsor_codes():
    filters = sponsor_codes.Filters(
        text=request.args.get("q", "")[:120], state=request.args.get("state", "")[:20]
    )
    page = _page()
    found = sponsor_codes.search(filters, now=utcnow(), page=page)
    items = [code_json(code) for code in found.items]
    return jsonify({"items": items, "next": str(page + 1) if found.has_next else None})


@bp.post("/sponsor-codes/check")
@documented(
    "Patient: the quote with a sponsor code for a specialist's fee (the code is not used up)",
    body="SponsorCodeCheck",
    response="Quote",
    errors=("400", "403", "404", "422"),
)
@require_auth("patient")
def check_sponsor_code():
    f = Fields(json_object())
    code = f.string("code", max_len=MAX_CODE)
    specialist_id = f.integer("specialist_id", minimum=1)
    f.check()
    if not (code or "").strip():
        raise Invalid.field("code", "This field is required.")
    try:
        quote = quotes.for_specialist(
            g.api_account, specialist_id or 0, sponsor_code=code, now=utcnow()
        )
    except Invalid as error:  # the body calls the code "code"
        raise Invalid(error.detail, {"code": error.errors.get("sponsor_code", [])}) from None
    return jsonify(quote_json(quote))


@bp.get("/specialists/<int(max=2147483647):specialist_id>/quote")
@documented(
    "Patient: what they would pay to book this specialist (approved assistance counted; "
    "sponsor_code? in the query)",
    response="Quote",
    errors=("403", "404", "422"),
)
@require_auth("patient")
def specialist_quote(specialist_id: int):
    code = request.args.get("sponsor_code", "")[:MAX_CODE]
    quote = quotes.for_specialist(g.api_account, specialist_id, sponsor_code=code, now=utcnow())
    return jsonify(quote_json(quote))


def _page() -> int:
    """The ``cursor`` (a page number) of a list, from 1."""
    raw = request.args.get("cursor", "1")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6 or int(raw) < 1:
        raise Invalid.field("cursor", "Pass back the cursor a previous page gave.")
    return int(raw)


_INT = {"type": "integer"}
_NULL_INT = {"type": ["integer", "null"]}
_STR = {"type": "string"}
_NULL_STR = {"type": ["string", "null"]}


def _page_of(item: str) -> dict:
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
            "next": _NULL_STR,
        },
    }


_ASSISTANCE = {
    "id": _INT,
    "specialist_id": _INT,
    "consultation_id": _NULL_INT,
    "kind": {"enum": list(assistance.KINDS)},
    "offered_cents": _NULL_INT,
    "fee_cents": _INT,
    "currency": _STR,
    "reason": _STR,
    "status": {"enum": list(assistance.STATUSES)},
    "approved_cents": _NULL_INT,
    "decision_note": _NULL_STR,
    "decided_at": _NULL_STR,
    "created_at": {"type": "string", "format": "date-time"},
}

SCHEMAS["ConsultationInput"]["properties"]["sponsor_code"] = {
    "type": "string",
    "description": "a sponsor code; one use is counted when the booking is made",
}
SCHEMAS.update(
    {
        "Quote": {
            "type": "object",
            "properties": {
                "fee_cents": _INT,
                "currency": _STR,
                "lines": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "kind": {"enum": ["sponsor", "assistance"]},
                            "label": _STR,
                            "amount_cents": {**_INT, "description": "negative: a reduction"},
                        },
                    },
                },
                "amount_cents": {**_INT, "description": "what the patient is charged"},
            },
        },
        "AssistanceRequestInput": {
            "type": "object",
            "required": ["kind", "reason"],
            "properties": {
                "specialist_id": {**_INT, "description": "before booking; or consultation_id"},
                "consultation_id": {**_INT, "description": "a booked, upcoming consultation"},
                "kind": {"enum": list(assistance.KINDS)},
                "offered_cents": {**_INT, "description": "reduction: what the patient can pay"},
                "reason": {
                    "type": "string",
                    "maxLength": assistance.MAX_REASON,
                    "description": "a few words; no clinical details are needed",
                },
            },
        },
        "AssistanceRequest": {"type": "object", "properties": _ASSISTANCE},
        "AssistanceRequestPage": _page_of("AssistanceRequest"),
        "AdminAssistanceRequest": {
            "type": "object",
            "properties": {**_ASSISTANCE, "patient_id": _INT, "patient_email": _STR},
        },
        "AdminAssistanceRequestPage": _page_of("AdminAssistanceRequest"),
        "AssistanceDecision": {
            "type": "object",
            "required": ["decision"],
            "properties": {
                "decision": {"enum": list(assistance.DECISIONS)},
                "approved_cents": {
                    **_INT,
                    "description": "approve: what the patient pays; 0 waives",
                },
                "note": {"type": "string", "maxLength": assistance.MAX_NOTE},
            },
        },
        "SponsorCodeInput": {
            "type": "object",
            "required": ["code", "sponsor_name", "max_uses", "expires_at"],
            "properties": {
                "code": {"type": "string", "description": "4-40 letters, digits, hyphens"},
                "sponsor_name": _STR,
                "percent_off": {"type": "integer", "minimum": 1, "maximum": 100},
                "amount_off_cents": {"type": "integer", "minimum": 1},
                "currency": {"type": "string", "description": "with amount_off_cents"},
                "max_uses": {"type": "integer", "minimum": 1},
                "expires_at": {"type": "string", "format": "date-time"},
            },
        },
        "SponsorCode": {
            "type": "object",
            "properties": {
                "id": _INT,
                "code": _STR,
                "sponsor_name": _STR,
                "percent_off": _NULL_INT,
                "amount_off_cents": _NULL_INT,
                "currency": _NULL_STR,
                "max_uses": _INT,
                "uses": _INT,
                "expires_at": {"type": "string", "format": "date-time"},
                "state": {"enum": list(sponsor_codes.STATES)},
                "created_at": {"type": "string", "format": "date-time"},
            },
        },
        "SponsorCodePage": _page_of("SponsorCode"),
        "SponsorCodeCheck": {
            "type": "object",
            "required": ["code", "specialist_id"],
            "properties": {"code": _STR, "specialist_id": _INT},
        },
    }
)
