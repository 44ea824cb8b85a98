"""Video pages: join, the Twilio call page, the device test, guests and their links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
from flask_login import current_user, login_required

from telesecond.clock import utcnow
from telesecond.domain.instants import to_rfc3339 as rfc3339
from telesecond.models import Consultation
from telesecond.models.video import VideoGuest
from telesecond.services.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from telesecond.services.video import guests, rooms
from telesecond.web.helpers import current_account as _me

bp = Blueprint("video", __name__)

VENDOR_SCRIPT = "vendor/twilio-video/twilio-video.min.js"
# The call page talks to Twilio's signalling and media servers from the browser.
# twilio-video.js (2.26 and later) builds a dynamic-import helper with ``new Function`` as
# it loads, so this page alone allows 'unsafe-eval'; it shows no health information.
CALL_PAGE_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self'; "
    "img-src 'self' data: blob:; "
    "media-src 'self' blob: mediastream:; "
    "connect-src 'self' https://*.twilio.com wss://*.twilio.com; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)
RETRY_SECONDS = 15


def _back(consultation_id: int):
    return redirect(
        url_for("consultations.detail", consultation_id=consultation_id, _anchor="video")
    )


def _waiting_page(entry: rooms.Entry, *, zone: str | None, guest: bool = False):
    """The page for a closed door: before, after, cancelled or being prepared."""
    response = current_app.make_response(
        render_template(
            "video/join.html",
            entry=entry,
            c=entry.consultation,
            zone=zone,
            guest=guest,
            now=utcnow(),
            rfc3339=rfc3339,
            retry_seconds=RETRY_SECONDS,
        )
    )
    if entry.state == "preparing":
        response.headers["Retry-After"] = str(RETRY_SECONDS)
    return response


def _call_page(entry: rooms.Entry, *, display_name: str, back_url: str | None):
    response = current_app.make_response(
        render_template(
            "video/call.html",
            entry=entry,
            c=entry.consultation,
            display_name=display_name,
            back_url=back_url,
            vendor_script=VENDOR_SCRIPT,
        )
    )
    response.headers["Content-Security-Policy"] = CALL_PAGE_CSP
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/consultations/<int(max=2147483647):consultation_id>/join")
@login_required
def join(consultation_id: int):
    """Inside the window: audit and go to the room; outside: say when it opens."""
    entry = rooms.join(_me(), consultation_id, now=utcnow(), ip=request.remote_addr)
    if entry.state != "open":
        return _waiting_page(entry, zone=current_user.timezone)
    if entry.url:
        return redirect(entry.url, code=302)
    return redirect(url_for("video.call", consultation_id=consultation_id), code=302)


@bp.get("/consultations/<int(max=2147483647):consultation_id>/call")
@login_required
def call(consultation_id: int):
    """The app's own call page (Twilio Video), for participants inside the window."""
    if not rooms.provider().call_page:
        return redirect(url_for("video.join", consultation_id=consultation_id))
    entry = rooms.join(_me(), consultation_id, now=utcnow(), ip=request.remote_addr, call_page=True)
    if entry.state != "open" or not entry.token:
        return _waiting_page(entry, zone=current_user.timezone)
    back = url_for("consultations.detail", consultation_id=consultation_id)
    return _call_page(entry, display_name=current_user.full_name, back_url=back)


@bp.get("/video/guests/<token>")
def guest_join(token: str):
    """A guest's personal link: the room inside the window, otherwise when it opens."""
    try:
        entry = guests.join(token, now=utcnow(), ip=request.remote_addr)
    except NotFound:
        return render_template("video/guest_invalid.html"), 404
    if entry.state == "open" and entry.url:
        return redirect(entry.url, code=302)
    if entry.state == "open":  # Twilio: the call page, right here
        entry = guests.join(token, now=utcnow(), ip=request.remote_addr, call_page=True)
        if entry.state == "open" and entry.token:
            guest = guests.find(token)
            return _call_page(entry, display_name=guest.name if guest else "", back_url=None)
    response = _waiting_page(entry, zone=None, guest=True)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/video/device-test")
def device_test():
    """Check camera and microphone with a local preview; nothing leaves the device."""
    back = request.args.get("consultation", type=int)
    return render_template("video/device_test.html", consultation_id=back)


@bp.post("/consultations/<int(max=2147483647):consultation_id>/guests")
@login_required
def invite_guest(consultation_id: int):
    """The patient invites a guest by email."""
    try:
        invitation = guests.invite(
            _me(),
            consultation_id,
            name=(request.form.get("name") or "")[:300],
            email=(request.form.get("email") or "")[:300],
            now=utcnow(),
        )
    except Invalid as error:
        for messages in error.errors.values():
            for message in messages:
                flash(message, "error")
    except (Conflict, Forbidden, RateLimited) as error:
        flash(error.detail, "error")
    else:
        name = invitation.guest.name
        if invitation.emailed:
            flash(
                _("%(name)s is invited. We emailed them their personal link.", name=name), "success"
            )
        else:
            flash(
                _(
                    "%(name)s is invited, but the email could not be sent. Remove them and "
                    "invite them again to send a new link.",
                    name=name,
                ),
                "warning",
            )
    return _back(consultation_id)


@bp.post(
    "/consultations/<int(max=2147483647):consultation_id>/guests/<int(max=2147483647):guest_id>/revoke"
)
@login_required
def revoke_guest(consultation_id: int, guest_id: int):
    """The patient withdraws a guest's link."""
    try:
        guest = guests.revoke(_me(), consultation_id, guest_id, now=utcnow())
    except Forbidden as error:
        flash(error.detail, "error")
    else:
        flash(_("%(name)s's link no longer works.", name=guest.name), "success")
    return _back(consultation_id)


@dataclass(frozen=True)
class VideoPanel:
    """What the consultation page shows about the call."""

    state: str
    opens_at: datetime
    closes_at: datetime
    guests: list[VideoGuest]
    can_invite: bool
    max_guests: int


@bp.app_template_global()
def video_panel(consultation: Consultation) -> VideoPanel:
    """The video panel's state for the signed-in participant (no writes, no network)."""
    now = utcnow()
    room = rooms.room_of(consultation.id)
    if room is not None:
        opens_at, closes_at, status = room.opens_at, room.closes_at, room.status
    else:
        opens_at, closes_at = rooms.window_of(consultation)
        status = "pending"
    if consultation.status == "cancelled" or status == "closed":
        state = "cancelled"
    else:
        state = rooms.window_state(opens_at, closes_at, now)
        if state == "open" and status in ("pending", "failed") and rooms.provider().remote_rooms:
            state = "preparing"
    invited = guests.active_guests(consultation.id)
    is_patient = current_user.is_authenticated and current_user.id == consultation.patient_id
    can_invite = (
        is_patient
        and consultation.status == "confirmed"
        and now < closes_at
        and len(invited) < guests.MAX_GUESTS
    )
    return VideoPanel(state, opens_at, closes_at, invited, can_invite, guests.MAX_GUESTS)


@bp.after_app_request
def _rooms_after_request(response):
    """Provider work for rooms the request changed, once the change is committed."""
    rooms.sync_changed_rooms(utcnow())
    return response
