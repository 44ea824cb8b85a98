"""The admin console's home: where to go, and what needs attention."""

from __future__ import annotations

from flask import render_template

from telesecond.clock import utcnow
from telesecond.services.admin.overview import overview
from telesecond.web.admin_access import bp


@bp.get("")
def home():
    return render_template("admin/home.html", figures=overview(now=utcnow()))
