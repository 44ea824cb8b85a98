"""The receipt of a consultation's payment, as a page and as a PDF (patient or specialist)."""

from __future__ import annotations

from flask import Blueprint, request
from flask_login import login_required

from telesecond.clock import utcnow
from telesecond.http.files import pdf_response
from telesecond.services.payments import receipts
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
