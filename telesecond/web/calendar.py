"""Calendar pages: a consultation's .ics download, the secret feed, its profile actions."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.http import is_resource_modified

from telesecond.clock import utcnow
from telesecond.http.files import invite_response
from telesecond.models import Consultation
from telesecond.services.calendar import downloads, feeds
from telesecond.web.helpers import current_account

bp = Blueprint("calendar", __name__)

FEED_CACHE_CONTROL = "private, no-cache"
FEED_SECTION = "calendar-feed"


def _to_profile():
    return redirect(url_for("auth.profile", _anchor=FEED_SECTION))


@bp.get("/consultations/<int(max=2147483647):consultation_id>/invite.ics")
@login_required
def invite(consultation_id: int):
    """The consultation's invite in the viewer's zone (404 unless they take part)."""
    return invite_response(downloads.invite_for(current_account(), consultation_id, now=utcnow()))


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    """The feed a calendar app subscribes to; 304 when nothing changed since its last poll."""
    found = feeds.resolve(token)
    if found is None:
        abort(404)
    now = utcnow()
    state = feeds.state(found, now=now)
    if is_resource_modified(request.environ, etag=state.etag, last_modified=state.last_modified):
        response = Response(
            feeds.body(found, state, now=now),
            content_type="text/calendar; charset=utf-8",
        )
        response.headers["Content-Disposition"] = 'inline; filename="telesecond.ics"'
    else:
        response = Response(status=304)
    response.set_etag(state.etag)
    response.last_modified = state.last_modified
    response.headers["Cache-Control"] = FEED_CACHE_CONTROL
    # The address is a bearer secret: keep it out of referrers and search engines.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.post("/account/calendar-feed")
@login_required
def issue_feed():
    """Create the subscription address, or replace it (the old one stops working)."""
    had_one = feeds.current_address(current_account()) is not None
    feeds.regenerate(current_account(), now=utcnow(), ip=request.remote_addr)
    if had_one:
        flash(_("You have a new subscription address. The old one no longer works."), "success")
    else:
        flash(_("Your calendar subscription address is ready."), "success")
    return _to_profile()


@bp.post("/account/calendar-feed/revoke")
@login_required
def revoke_feed():
    """Stop the subscription address."""
    if feeds.revoke(current_account(), now=utcnow(), ip=request.remote_addr):
        flash(_("The calendar subscription is stopped. Its address no longer works."), "success")
    else:
        flash(_("You had no calendar subscription to stop."), "info")
    return _to_profile()


@bp.app_template_global()
def calendar_subscription() -> feeds.FeedAddress | None:
    """The signed-in person's live feed address, for the profile page."""
    if not current_user.is_authenticated:
        return None
    return feeds.current_address(current_account())


@bp.app_template_global()
def calendar_links(consultation: Consultation) -> downloads.WebLinks | None:
    """Google and Outlook "add event" links for the consultation page."""
    return downloads.links_for(consultation, current_user.id)
