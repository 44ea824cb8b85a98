"""Admin pages for consultations: a filtered list, and one consultation's timeline."""

from __future__ import annotations

from flask import render_template, request

from telesecond.models.consultation import STATUSES
from telesecond.services.admin import consultations
from telesecond.web.admin_access import Filters, bp
from telesecond.web.consultations import STATUS_LABELS
from telesecond.web.helpers import current_account


@bp.get("/consultations")
def consultation_list():
    filters = Filters(request.args)
    status = filters.choice("status", STATUSES)
    specialist_id = filters.number("specialist")
    since, before = filters.day_range("start", "end", current_account().timezone)
    number = filters.number("page", default=1, limit=100_000)
    found = None
    if not filters.errors:
        found = consultations.search(
            status=status,
            specialist_id=specialist_id,
            starts_from=since,
            starts_before=before,
            page=number,
        )
    return render_template(
        "admin/consultations.html",
        found=found,
        errors=filters.errors,
        args=request.args,
        status_options=[(s, STATUS_LABELS.get(s, s)) for s in STATUSES],
        status_labels=STATUS_LABELS,
        specialist_options=[(a.id, a.full_name) for a in consultations.specialists()],
    ), (422 if filters.errors else 200)


@bp.get("/consultations/<int:consultation_id>")
def consultation(consultation_id: int):
    item = consultations.open_for_admin(current_account(), consultation_id, ip=request.remote_addr)
    return render_template(
        "admin/consultation.html",
        consultation=item,
        timeline=consultations.timeline(item),
        status_labels=STATUS_LABELS,
    )
