"""Holds, booking, the caller's consultations, reschedule, cancel and outcome."""

from __future__ import annotations

from flask import current_app, g, jsonify, request, url_for

from telesecond.api.auth import require_auth
from telesecond.api.blueprint import bp
from telesecond.api.openapi import documented
from telesecond.api.parsing import Fields, json_object
from telesecond.clock import utcnow
from telesecond.domain.instants import to_rfc3339
from telesecond.domain.intake import Intake
from telesecond.extensions import db
from telesecond.http.files import pdf_response
from telesecond.models import Consultation
from telesecond.models.consultation import STATUSES
from telesecond.services import audit, links
from telesecond.services.consultations import access, booking
from telesecond.services.errors import Invalid
from telesecond.services.fees import checkout
from telesecond.services.payments import receipts
from telesecond.services.payments import refunds as payment_refunds
from telesecond.services.payments.ledger import view_of as payment_view


def _person(account) -> dict:
    return {"id": account.id, "full_name": account.full_name}


def payment_json(consultation_id: int) -> dict:
    """The consultation's payment: its state, amount and, while due, where to pay."""
    view = payment_view(consultation_id)
    return {
        "status": view.status,
        "amount_cents": view.amount_cents,
        "currency": view.currency,
        "refunded_cents": view.refunded_cents,
        "checkout_url": view.checkout_url,
        "expires_at": to_rfc3339(view.expires_at),
        "paid_at": to_rfc3339(view.paid_at),
        # The receipt (PDF) once something was paid.
        "receipt_url": (
            links.absolute(f"/api/v1/consultations/{consultation_id}/receipt.pdf")
            if view.paid_at
            else None
        ),
        # Each refund, with its own receipt once the provider has made it.
        "refunds": [
            {
                "id": refund.id,
                "amount_cents": refund.amount_cents,
                "status": refund.status,
                "created_at": to_rfc3339(refund.created_at),
                "refunded_at": to_rfc3339(refund.refunded_at),
                "receipt_url": (
                    links.absolute(
                        f"/api/v1/consultations/{consultation_id}/refunds/{refund.id}/receipt.pdf"
                    )
                    if refund.refunded_at
                    else None
                ),
            }
            for refund in view.refunds
        ],
    }


def consultation_summary(c: Consultation) -> dict:
    """What lists show: no health information."""
    return {
        "id": c.id,
        "status": c.status,
        "start": to_rfc3339(c.start),
        "end": to_rfc3339(c.end),
        "sequence": c.sequence,
        "specialist": _person(c.specialist),
        "patient": _person(c.patient),
        # The app's own join page: it checks who asks and when, then redirects to the room.
        "join_url": links.join_url(c.id) if c.status != "cancelled" else None,
        "payment": payment_json(c.id),
    }


def consultation_json(c: Consultation) -> dict:
    """The whole consultation with the intake (reading it is audited by the caller)."""
    return {
        **consultation_summary(c),
        "patient_region": c.patient_region,
        "reason": c.reason,
        "current_diagnosis": c.current_diagnosis,
        "proposed_treatment": c.proposed_treatment,
        "questions": c.questions,
        "physician_name": c.physician_name,
        "physician_practice": c.physician_practice,
        "physician_contact": c.physician_contact,
        "share_with_physician": c.share_with_physician,
        "interpreter_language": c.interpreter_language,
        "consent_version": c.consent_version,
        "consent_at": to_rfc3339(c.consent_at),
        "created_at": to_rfc3339(c.created_at),
        "cancelled_at": to_rfc3339(c.cancelled_at),
        "cancel_reason": c.cancel_reason,
    }


@bp.post("/holds")
@documented(
    "Hold a free slot while the intake is completed",
    body="HoldInput",
    ok="201",
    response="Hold",
    errors=("400", "403", "404", "409", "422"),
)
@require_auth("patient")
def create_hold():
    f = Fields(json_object())
    specialist_id = f.integer("specialist_id")
    start = f.instant("start")
    f.check()
    hold = booking.place_hold(
        g.api_account,
        specialist_id,
        start,
        now=utcnow(),
        minutes=current_app.config["HOLD_MINUTES"],
    )
    return jsonify(
        {
            "id": hold.id,
            "specialist_id": hold.specialist_id,
            "start": to_rfc3339(hold.start),
            "end": to_rfc3339(hold.end),
            "expires_at": to_rfc3339(hold.expires_at),
        }
    ), 201


@bp.post("/consultations")
@documented(
    "Book a consultation",
    body="ConsultationInput",
    ok="201",
    response="Consultation",
    errors=("400", "403", "404", "409", "422", "503"),
)
@require_auth("patient")
def create_consultation():
    f = Fields(json_object())
    specialist_id = f.integer("specialist_id")
    start = f.instant("start")
    hold_id = f.integer("hold_id", required=False)
    sponsor_code = f.string("sponsor_code", required=False, max_len=60)  # fees (issue 21)
    intake = Intake(
        patient_region=f.string("patient_region", max_len=10, allow_empty=True) or "",
        reason=f.string("reason", max_len=4000, allow_empty=True) or "",
        current_diagnosis=f.string("current_diagnosis", max_len=8000, allow_empty=True) or "",
        proposed_treatment=f.string("proposed_treatment", max_len=8000, allow_empty=True) or "",
        questions=f.strings("questions", max_items=20, max_len=1000) or [],
        physician_name=f.string("physician_name", required=False, max_len=200, default=""),
        physician_practice=f.string("physician_practice", required=False, max_len=200, default=""),
        physician_contact=f.string("physician_contact", required=False, max_len=254, default=""),
        share_with_physician=f.boolean("share_with_physician", required=False, default=False),
        interpreter_language=f.string("interpreter_language", required=False, max_len=35),
        telehealth_consent=f.boolean("telehealth_consent", required=False, default=False),
        emergency_acknowledged=f.boolean("emergency_acknowledged", required=False, default=True),
    )
    f.check()
    consultation = checkout.book(
        g.api_account,
        specialist_id,
        start,
        intake,
        now=utcnow(),
        hold_id=hold_id,
        ip=request.remote_addr,
        sponsor_code=sponsor_code,
    ).consultation
    response = jsonify(consultation_json(consultation))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_consultation", consultation_id=consultation.id)
    return response


@bp.get("/consultations")
@documented("The caller's consultations", response="ConsultationPage", errors=("422",))
@require_auth("patient", "specialist")
def list_consultations():
    status = request.args.get("status")
    if status is not None and status not in STATUSES:
        raise Invalid.field("status", f"Use one of {', '.join(STATUSES)}.")
    items = [consultation_summary(c) for c in access.list_for(g.api_account, status)]
    return jsonify({"items": items, "next": None})


@bp.get("/consultations/<int:consultation_id>")
@documented(
    "One of the caller's consultations, with the intake", response="Consultation", errors=("404",)
)
@require_auth()
def get_consultation(consultation_id: int):
    consultation = access.get_for(g.api_account, consultation_id)
    audit.record(
        "consultation.viewed",
        actor_id=g.api_account.id,
        target_type="consultation",
        target_id=consultation.id,
        ip=request.remote_addr,
    )
    db.session.commit()
    return jsonify(consultation_json(consultation))


@bp.post("/consultations/<int:consultation_id>/reschedule")
@documented(
    "Move a consultation to another free slot",
    body="RescheduleInput",
    response="Consultation",
    errors=("400", "404", "409", "422"),
)
@require_auth()
def reschedule_consultation(consultation_id: int):
    f = Fields(json_object())
    start = f.instant("start")
    f.check()
    consultation = booking.reschedule(
        g.api_account,
        consultation_id,
        start,
        now=utcnow(),
        cutoff_hours=current_app.config["CANCEL_CUTOFF_HOURS"],
        ip=request.remote_addr,
    )
    return jsonify(consultation_summary(consultation))


@bp.post("/consultations/<int:consultation_id>/cancel")
@documented(
    "Cancel a consultation",
    body="CancelInput",
    response="Consultation",
    errors=("400", "404", "409", "422"),
)
@require_auth()
def cancel_consultation(consultation_id: int):
    data = json_object() if request.get_data(cache=True) else {}
    f = Fields(data)
    reason = f.string("reason", required=False, max_len=500, default="")
    f.check()
    consultation = payment_refunds.cancel(
        g.api_account,
        consultation_id,
        reason=reason,
        now=utcnow(),
        cutoff_hours=current_app.config["CANCEL_CUTOFF_HOURS"],
        ip=request.remote_addr,
    )
    return jsonify(consultation_summary(consultation))


@bp.post("/consultations/<int:consultation_id>/status")
@documented(
    "Specialist: mark a started consultation completed or no_show",
    body="OutcomeInput",
    response="Consultation",
    errors=("400", "403", "404", "409", "422"),
)
@require_auth("specialist")
def set_consultation_status(consultation_id: int):
    f = Fields(json_object())
    outcome = f.string("status", max_len=20)
    f.check()
    consultation = booking.record_outcome(
        g.api_account, consultation_id, outcome, now=utcnow(), ip=request.remote_addr
    )
    return jsonify(consultation_summary(consultation))


@bp.get("/consultations/<int:consultation_id>/receipt.pdf")
@documented(
    "The itemised receipt of the consultation's payment and refunds, as a tagged PDF "
    "(404 until something is paid); every read is audited",
    errors=("404",),
)
@require_auth()
def get_receipt_pdf(consultation_id: int):
    doc = receipts.receipt_for(g.api_account, consultation_id, now=utcnow(), ip=request.remote_addr)
    return pdf_response(receipts.receipt_pdf(doc), receipts.filename(doc))


@bp.get("/consultations/<int:consultation_id>/refunds/<int:refund_id>/receipt.pdf")
@documented(
    "The itemised receipt of one refund on the consultation's payment, as a tagged PDF "
    "(404 until the refund has gone through); every read is audited",
    errors=("404",),
)
@require_auth()
def get_refund_receipt_pdf(consultation_id: int, refund_id: int):
    doc = receipts.refund_receipt_for(
        g.api_account, consultation_id, refund_id, now=utcnow(), ip=request.remote_addr
    )
    return pdf_response(receipts.receipt_pdf(doc), receipts.filename(doc))
