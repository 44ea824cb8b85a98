"""Receipts of a consultation's payment and of each refund, as a page and as a PDF
(patient or specialist), and the diagnosis codes the specialist may put on them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from telesecond.clock import utcnow
from telesecond.http.files import pdf_response
from telesecond.services.errors import Conflict, Invalid
from telesecond.services.payments import diagnosis_codes, receipts
from telesecond.services.payments.ledger import view_of
from telesecond.web.helpers import current_account

bp = Blueprint("receipts", __name__)


@bp.get("/consultations/<int:consultation_id>/receipt")
@login_required
def page(consultation_id: int):
    doc = receipts.receipt_for(
        current_account(), consultation_id, now=utcnow(), ip=request.remote_addr
    )
    return receipts.receipt_html(doc)


@bp.get("/consultations/<int:consultation_id>/receipt.pdf")
@login_required
def pdf(consultation_id: int):
    doc = receipts.receipt_for(
        current_account(), consultation_id, now=utcnow(), ip=request.remote_addr
    )
    return pdf_response(receipts.receipt_pdf(doc), receipts.filename(doc))


@bp.get("/consultations/<int:consultation_id>/refunds/<int:refund_id>/receipt")
@login_required
def refund_page(consultation_id: int, refund_id: int):
    doc = receipts.refund_receipt_for(
        current_account(), consultation_id, refund_id, now=utcnow(), ip=request.remote_addr
    )
    return receipts.receipt_html(doc)


@bp.get("/consultations/<int:consultation_id>/refunds/<int:refund_id>/receipt.pdf")
@login_required
def refund_pdf(consultation_id: int, refund_id: int):
    doc = receipts.refund_receipt_for(
        current_account(), consultation_id, refund_id, now=utcnow(), ip=request.remote_addr
    )
    return pdf_response(receipts.receipt_pdf(doc), receipts.filename(doc))


@bp.route("/consultations/<int:consultation_id>/diagnosis-codes", methods=["GET", "POST"])
@login_required
def codes(consultation_id: int):
    """The specialist's form for the receipt's diagnosis codes (also on the consultation's
    page); a code that is not ICD-10 is named on the form, with the text as typed."""
    errors: list[str] = []
    text, status = None, 200
    if request.method == "POST":
        text = request.form.get("diagnosis_codes", "")
        try:
            saved = diagnosis_codes.set_codes(
                current_account(), consultation_id, text, now=utcnow(), ip=request.remote_addr
            )
        except (Invalid, Conflict) as error:
            errors = error.errors.get(diagnosis_codes.FIELD, [error.detail])
            status = error.status
        else:
            flash(
                _("The receipt shows these diagnosis codes.")
                if saved
                else _("The receipt shows no diagnosis codes."),
                "success",
            )
            return redirect(url_for("consultations.detail", consultation_id=consultation_id))
    consultation = diagnosis_codes.editable(current_account(), consultation_id)
    return render_template(
        "payments/diagnosis_codes.html",
        c=consultation,
        payment=view_of(consultation.id),
        codes_text=text,
        codes_errors=errors,
    ), status
