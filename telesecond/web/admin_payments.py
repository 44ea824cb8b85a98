"""Admin pages for payments: filter, month totals, CSV export, refund by hand."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from telesecond.clock import utcnow
from telesecond.services.errors import Invalid
from telesecond.services.payments import refunds, reports
from telesecond.web.admin_access import Filters, admins_only
from telesecond.web.helpers import current_account

bp = Blueprint("admin_payments", __name__, url_prefix="/admin")
bp.before_request(admins_only)

# How the admin's payment page names a refund's state.
REFUND_STATES = {"pending": _l("pending"), "succeeded": _l("succeeded"), "failed": _l("failed")}


def _read_filters() -> tuple[reports.Filters, Filters]:
    reader = Filters(request.args)
    since, before = reader.day_range("start", "end", current_account().timezone)
    chosen = reports.Filters(
        status=reader.choice("status", reports.statuses()),
        specialist_id=reader.number("specialist"),
        since=since,
        before=before,
    )
    return chosen, reader


def _list_page(found, totals, errors, status: int = 200):
    return render_template(
        "admin/payments.html",
        found=found,
        totals=totals,
        errors=errors,
        args=request.args,
        statuses=reports.statuses(),
        specialists=reports.specialists(),
    ), status


@bp.get("/payments")
def payments():
    """Payments and refunds, newest first, with totals per month."""
    chosen, reader = _read_filters()
    number = reader.number("page", default=1, limit=100_000)
    if reader.errors:
        return _list_page(None, [], reader.errors, 422)
    return _list_page(reports.search(chosen, page=number), reports.month_totals(chosen), {})


@bp.get("/payments.csv")
def payments_csv():
    """The filtered payments and their refunds as CSV (the export is audited)."""
    chosen, reader = _read_filters()
    if reader.errors:
        return _list_page(None, [], reader.errors, 422)
    text = reports.export_csv(current_account(), chosen, ip=request.remote_addr)
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    return Response(
        text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="payments-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/payments/<int(max=2147483647):payment_id>")
def payment(payment_id: int):
    """One payment, its refunds and the refund form."""
    return render_template(
        "admin/payment.html",
        payment=reports.get(payment_id),
        errors={},
        form={},
        refund_states=REFUND_STATES,
    )


@bp.post("/payments/<int(max=2147483647):payment_id>/refund")
def refund(payment_id: int):
    """Refund by hand, with a reason that goes into the audit log."""
    form = request.form
    raw = (form.get("amount") or "").strip()
    amount = _cents(raw)
    try:
        if raw and amount is None:
            raise Invalid.field("amount", _("Enter an amount such as 25.00, or leave it empty."))
        done = refunds.refund_by_hand(
            current_account(),
            payment_id,
            amount,
            form.get("reason", "")[:500],
            now=utcnow(),
            ip=request.remote_addr,
        )
    except Invalid as error:
        errors = {name: messages[0] for name, messages in error.errors.items()}
        return render_template(
            "admin/payment.html",
            payment=reports.get(payment_id),
            errors=errors,
            form=form,
            refund_states=REFUND_STATES,
        ), 422
    flash(
        _(
            "Refund %(id)s recorded (%(status)s).",
            id=done.id,
            status=REFUND_STATES.get(done.status, done.status),
        ),
        "success",
    )
    return redirect(url_for("admin_payments.payment", payment_id=payment_id))


def _cents(raw: str) -> int | None:
    """``25``, ``25.5`` or ``25.50`` as cents; None for anything else."""
    whole, dot, part = raw.partition(".")
    if not whole.isascii() or not whole.isdigit() or len(whole) > 9:
        return None
    if dot and (not part.isascii() or not part.isdigit() or len(part) > 2):
        return None
    return int(whole) * 100 + int((part or "0").ljust(2, "0"))
