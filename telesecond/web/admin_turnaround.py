"""The admin console's turnaround page: how long written opinions take, how many are late."""

from __future__ import annotations

from flask import current_app, render_template

from telesecond.clock import utcnow
from telesecond.services.opinions.turnaround import clinic_figures
from telesecond.web.admin_access import bp


@bp.get("/turnaround")
def turnaround():
    return render_template(
        "admin/turnaround.html",
        turnaround=clinic_figures(now=utcnow()),
        due_days=current_app.config["OPINION_DUE_BUSINESS_DAYS"],
    )
