"""Reminder pages: the consultation's reminders panel and channel change, the
specialist's before-start alert, and the admin list of failed and unknown sends."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.models import Consultation, Reminder, SpecialistAlert
from telesecond.services.errors import NotFound
from telesecond.services.reminders import outbox
from telesecond.web.helpers import current_account

bp = Blueprint("reminders", __name__)

CHANNEL_LABELS = {"email": _l("Email"), "sms": _l("Text message (SMS)")}
KIND_LABELS = {
    "confirmation": _l("Booking confirmation"),
    "reminder": _l("Reminder"),
    "rescheduled": _l("Change of time"),
    "cancelled": _l("Cancellation notice"),
    "agenda": _l("Morning agenda"),
    "opinion_ready": _l("Written opinion ready"),
    "follow_up": _l("Follow-up question"),
}
STATUS_LABELS = {
    "pending": _l("Planned"),
    "sending": _l("Sending"),
    "sent": _l("Sent"),
    "delivered": _l("Delivered"),
    "failed": _l("Failed"),
    "unknown": _l("Outcome unknown"),
    "cancelled": _l("Withdrawn"),
    "skipped": _l("Not sent"),
}
# Who a message went to, as the admin's list of failed sends names them.
ROLE_LABELS = {"patient": _l("patient"), "specialist": _l("specialist"), "admin": _l("admin")}
ATTENTION = ("failed", "unknown")


@dataclass(frozen=True)
class Panel:
    """What the consultation page shows about the viewer's own messages."""

    rows: list[Reminder]
    channels: list[str]
    sms_possible: bool
    can_change: bool


@bp.app_template_global()
def reminder_panel(consultation: Consultation) -> Panel | None:
    """The viewer's reminders for the consultation (withdrawn ones left out)."""
    if not current_user.is_authenticated:
        return None
    me = current_account()
    try:
        rows = outbox.reminders_for(me, consultation.id)
    except NotFound:
        return None
    is_patient = me.id == consultation.patient_id
    return Panel(
        rows=[r for r in rows if r.status != "cancelled"],
        channels=me.channels,
        sms_possible=outbox.sms_allowed(me),
        can_change=is_patient
        and consultation.status == "confirmed"
        and consultation.start > utcnow(),
    )


@bp.app_template_global()
def reminder_labels() -> dict:
    return {"kind": KIND_LABELS, "status": STATUS_LABELS, "channel": CHANNEL_LABELS}


@bp.post("/consultations/<int(max=2147483647):consultation_id>/reminders")
@login_required
def change_channels(consultation_id: int):
    """The patient picks how to be reminded; upcoming reminders are planned again."""
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None or consultation.patient_id != current_user.id:
        abort(404)
    back = redirect(url_for("consultations.detail", consultation_id=consultation_id) + "#reminders")
    chosen = request.form.getlist("channels")
    unknown = [c for c in chosen if c not in CHANNEL_LABELS]
    if unknown:
        flash(_("Choose email, text message, or both."), "error")
        return back
    if "sms" in chosen and not outbox.sms_allowed(current_account()):
        flash(
            _(
                "Text messages need a mobile number in international form (+49…) and your "
                "agreement to receive them: add both on your account page first."
            ),
            "error",
        )
        return back
    outbox.change_channels(current_account(), chosen, now=utcnow())
    db.session.commit()
    if "email" in chosen and "sms" in chosen:
        flash(_("Your reminders will come by email and text message."), "success")
    elif "sms" in chosen:
        flash(_("Your reminders will come by text message."), "success")
    elif chosen:
        flash(_("Your reminders will come by email."), "success")
    else:
        flash(_("You will get no reminders. Booking changes still come by email."), "success")
    return back


@bp.route("/account/reminders", methods=["GET", "POST"])
@login_required
def specialist_alert():
    """A specialist opts in to a message shortly before each consultation."""
    if current_user.role != "specialist":
        abort(404)
    alert = db.session.get(SpecialistAlert, current_user.id)
    error = None
    if request.method == "POST":
        choice = request.form.get("channel", "")
        if choice not in ("", "email", "sms"):
            error = _("Choose no message, email or text message.")
        elif choice == "sms" and not outbox.sms_allowed(current_account()):
            error = _(
                "Text messages need a mobile number in international form and your agreement "
                "to receive them (account page)."
            )
        else:
            outbox.set_specialist_alert(current_account(), choice or None, now=utcnow())
            db.session.commit()
            flash(_("Saved. Upcoming consultations follow the new choice."), "success")
            return redirect(url_for("reminders.specialist_alert"))
    current = request.form.get("channel") if error else (alert.channel if alert else "")
    return render_template(
        "reminders/alert.html",
        current=current or "",
        error=error,
        sms_possible=outbox.sms_allowed(current_account()),
        channel_labels=CHANNEL_LABELS,
    ), (422 if error else 200)


@bp.get("/admin/reminders")
@login_required
def admin():
    """Failed and unknown sends, newest first: who, what kind, why (no message text)."""
    if current_user.role != "admin":
        abort(403)
    rows = db.session.scalars(
        select(Reminder)
        .where(Reminder.status.in_(ATTENTION))
        .order_by(Reminder.updated_at.desc(), Reminder.id.desc())
        .limit(500)
    ).all()
    return render_template(
        "reminders/admin.html",
        rows=rows,
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
        channel_labels=CHANNEL_LABELS,
        role_labels=ROLE_LABELS,
    )
