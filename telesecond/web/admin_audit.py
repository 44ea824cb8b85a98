"""Admin pages for the audit log: filter and page through it, export it as CSV."""

from __future__ import annotations

from flask import Response, render_template, request

from telesecond.clock import utcnow
from telesecond.services.admin import audit_log
from telesecond.web.admin_access import Filters, bp
from telesecond.web.helpers import current_account


def _read_filters() -> tuple[audit_log.Filters, Filters]:
    reader = Filters(request.args)
    since, before = reader.day_range("start", "end", current_account().timezone)
    chosen = audit_log.Filters(
        person=reader.text("person", audit_log.MAX_FILTER),
        action=reader.text("action", audit_log.MAX_FILTER),
        target_type=reader.text("target_type", audit_log.MAX_FILTER),
        target_id=reader.text("target_id", audit_log.MAX_FILTER),
        since=since,
        before=before,
    )
    return chosen, reader


@bp.get("/audit")
def audit():
    chosen, reader = _read_filters()
    number = reader.number("page", default=1, limit=100_000)
    found = None if reader.errors else audit_log.search(chosen, page=number)
    return render_template(
        "admin/audit.html",
        found=found,
        errors=reader.errors,
        args=request.args,
        actions=audit_log.actions(),
    ), (422 if reader.errors else 200)


@bp.get("/audit.csv")
def audit_csv():
    chosen, reader = _read_filters()
    if reader.errors:
        return render_template(
            "admin/audit.html",
            found=None,
            errors=reader.errors,
            args=request.args,
            actions=audit_log.actions(),
        ), 422
    text = audit_log.export_csv(current_account(), chosen, ip=request.remote_addr)
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    return Response(
        text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="audit-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )
