"""A person's consultations: the list or agenda, the case page, and its actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from jinja2 import TemplateNotFound

from telesecond.clock import utcnow
from telesecond.domain.slots import Slot
from telesecond.models import Consultation, ConsultationEvent
from telesecond.services.consultations import access, booking, case_file
from telesecond.services.errors import Conflict, Invalid
from telesecond.services.opinions import case_timeline, physician_link_status, turnaround
from telesecond.services.payments import ledger as payment_state
from telesecond.services.payments import refunds as payment_refunds
from telesecond.web.booking import parse_start
from telesecond.web.helpers import current_account
from telesecond.web.templating import clock, local_time

bp = Blueprint("consultations", __name__, url_prefix="/consultations")

STATUS_LABELS = {
    "confirmed": _l("Confirmed"),
    "cancelled": _l("Cancelled"),
    "completed": _l("Completed"),
    "no_show": _l("No-show"),
    "awaiting_payment": _l("Awaiting payment"),
}
# How the specialist's outcome reads in the message that confirms it.
OUTCOME_MESSAGES = {
    "completed": _l("The consultation is marked completed."),
    "no_show": _l("The consultation is marked no-show."),
}
EVENT_LABELS = {
    "booked": _l("Booked"),
    "rescheduled": _l("Rescheduled"),
    "cancelled": _l("Cancelled"),
    "completed": _l("Marked completed"),
    "no_show": _l("Marked as no-show"),
    "awaiting_payment": _l("Booked, awaiting payment"),
    "payment_lapsed": _l("Released: the payment was not completed"),
}
DOCUMENTS_PANEL = "documents/_panel.html"


@dataclass
class Agenda:
    """Consultations split for display: today (specialists only), upcoming, past, cancelled."""

    today: list[Consultation] = field(default_factory=list)
    upcoming: list[Consultation] = field(default_factory=list)
    past: list[Consultation] = field(default_factory=list)
    cancelled: list[Consultation] = field(default_factory=list)


def agenda_of(items: list[Consultation], now: datetime, zone: ZoneInfo, *, by_day: bool) -> Agenda:
    """Split soonest-first consultations; ``by_day`` groups by the local date (agenda).

    Cancelled ones are a list of their own, whenever they were to happen.
    """
    agenda = Agenda()
    today = now.astimezone(zone).date()
    for c in items:
        if c.status == "cancelled":
            agenda.cancelled.append(c)
            continue
        if by_day:
            day = c.start.astimezone(zone).date()
            bucket = (
                agenda.today if day == today else (agenda.upcoming if day > today else agenda.past)
            )
        else:
            bucket = agenda.upcoming if c.end > now else agenda.past
        bucket.append(c)
    agenda.past.reverse()  # most recent first
    agenda.cancelled.reverse()
    return agenda


@dataclass(frozen=True)
class SlotChoice:
    start: datetime
    label: str  # local wall-clock time, the day is the group's heading


@dataclass(frozen=True)
class DaySlots:
    day: date
    slots: list[SlotChoice]


def _by_day(slots: list[Slot], zone: ZoneInfo) -> list[DaySlots]:
    days: dict[date, list[SlotChoice]] = {}
    for slot in slots:
        local = slot.start.astimezone(zone)
        days.setdefault(local.date(), []).append(
            SlotChoice(slot.start, clock(slot.start, zone.key))
        )
    return [DaySlots(day, items) for day, items in days.items()]


@dataclass(frozen=True)
class HistoryRow:
    """One status-history entry as the case page shows it."""

    at: datetime
    label: str
    who: str
    moved_from: datetime | None
    moved_to: datetime | None
    reason: str | None


def _instant(value: object) -> datetime | None:
    return parse_start(value) if isinstance(value, str) else None


def _history(events: list[ConsultationEvent], viewer_id: int) -> list[HistoryRow]:
    rows = []
    for event in events:
        detail = event.detail or {}
        if event.actor is None:
            who = "telesecond"
        elif event.actor_id == viewer_id:
            who = _("You (%(name)s)", name=event.actor.full_name)
        else:
            who = event.actor.full_name
        rows.append(
            HistoryRow(
                at=event.at,
                label=EVENT_LABELS.get(event.kind, event.kind),
                who=who,
                moved_from=_instant(detail.get("from")),
                moved_to=_instant(detail.get("to")),
                reason=detail.get("reason") if isinstance(detail.get("reason"), str) else None,
            )
        )
    return rows


def _has_template(name: str) -> bool:
    try:
        current_app.jinja_env.get_template(name)
    except TemplateNotFound:
        return False
    return True


def _back(consultation_id: int):
    return redirect(url_for("consultations.detail", consultation_id=consultation_id))


@bp.get("", endpoint="list")
@login_required
def consultation_list():
    """The patient's consultations, or the specialist's agenda."""
    is_specialist = current_user.role == "specialist"
    items = access.list_for(current_account())
    agenda = agenda_of(items, utcnow(), ZoneInfo(current_user.timezone), by_day=is_specialist)
    return render_template(
        "consultations/list.html",
        agenda=agenda,
        is_specialist=is_specialist,
        status_labels=STATUS_LABELS,
        opinion_dues=turnaround.open_dues(items) if is_specialist else {},
        now=utcnow(),
    )


@bp.get("/<int(max=2147483647):consultation_id>")
@login_required
def detail(consultation_id: int):
    """The case page for the consultation's patient or specialist (404 for anyone else)."""
    now = utcnow()
    case = case_file.case_page(current_account(), consultation_id, ip=request.remote_addr, now=now)
    c = case.consultation
    is_specialist = current_user.id == c.specialist_id
    other = c.patient if is_specialist else c.specialist
    cutoff = timedelta(hours=current_app.config["CANCEL_CUTOFF_HOURS"])
    return render_template(
        "consultations/detail.html",
        c=c,
        case=case,
        is_specialist=is_specialist,
        other=other,
        started=now >= c.start,
        change_until=c.start - cutoff,
        cutoff_hours=current_app.config["CANCEL_CUTOFF_HOURS"],
        slot_days=_by_day(case.reschedule_slots, ZoneInfo(current_user.timezone)),
        history=_history(c.events, current_user.id),
        status_labels=STATUS_LABELS,
        show_documents=case.documents is not None and _has_template(DOCUMENTS_PANEL),
        draft_key=f"intake:{c.patient_id}:{c.specialist_id}",
        timeline=case_timeline.timeline_for(c, now=now, for_patient=not is_specialist),
        opinion_due_by=turnaround.due_of(c).by if c.status != "cancelled" else None,
        doctor_panel=None if is_specialist else physician_link_status.panel_for(c, now=now),
        payment=payment_state.view_of(c.id),
        payment_returned=request.args.get("payment") == "done",
    )


@bp.post("/<int(max=2147483647):consultation_id>/reschedule")
@login_required
def reschedule(consultation_id: int):
    """Move the consultation to the chosen free time."""
    start = parse_start(request.form.get("start"))
    if start is None:
        flash(_("Choose one of the free times to move the consultation to."), "error")
        return _back(consultation_id)
    try:
        c = booking.reschedule(
            current_account(),
            consultation_id,
            start,
            now=utcnow(),
            cutoff_hours=current_app.config["CANCEL_CUTOFF_HOURS"],
            ip=request.remote_addr,
        )
    except (Conflict, Invalid) as error:
        flash(error.detail, "error")
    else:
        flash(
            _(
                "The consultation is moved to %(when)s. Both of you get an updated invitation.",
                when=local_time(c.start),
            ),
            "success",
        )
    return _back(consultation_id)


@bp.post("/<int(max=2147483647):consultation_id>/cancel")
@login_required
def cancel(consultation_id: int):
    """Cancel the consultation, with an optional reason."""
    reason = (request.form.get("reason") or "").replace("\x00", "")[:500]
    try:
        payment_refunds.cancel(
            current_account(),
            consultation_id,
            reason=reason,
            now=utcnow(),
            cutoff_hours=current_app.config["CANCEL_CUTOFF_HOURS"],
            ip=request.remote_addr,
        )
    except (Conflict, Invalid) as error:
        flash(error.detail, "error")
    else:
        flash(_("The consultation is cancelled. Both of you are told."), "success")
    return _back(consultation_id)


@bp.post("/<int(max=2147483647):consultation_id>/status")
@login_required
def set_status(consultation_id: int):
    """The specialist records how a started consultation went."""
    outcome = (request.form.get("status") or "")[:20]
    try:
        c = booking.record_outcome(
            current_account(), consultation_id, outcome, now=utcnow(), ip=request.remote_addr
        )
    except (Conflict, Invalid) as error:
        flash(error.detail, "error")
    else:
        message = OUTCOME_MESSAGES.get(c.status)
        flash(str(message) if message else _("The consultation is updated."), "success")
    return _back(consultation_id)
