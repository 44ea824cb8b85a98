"""Sending a failed message again, from the admin list of failed messages."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from telesecond.clock import utcnow
from telesecond.services.admin import messages
from telesecond.web.admin_access import bp
from telesecond.web.helpers import current_account


@bp.post("/reminders/<int:reminder_id>/resend")
def resend(reminder_id: int):
    messages.resend(current_account(), reminder_id, now=utcnow(), ip=request.remote_addr)
    flash(_("The message will go out again with the next dispatch pass."), "success")
    return redirect(url_for("reminders.admin"))
