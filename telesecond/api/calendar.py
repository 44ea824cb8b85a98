"""A consultation's invite as .ics, and the caller's secret calendar-feed address."""

from __future__ import annotations

from flask import g, jsonify, request

from telesecond.api.auth import require_auth
from telesecond.api.blueprint import bp
from telesecond.api.openapi import documented
from telesecond.clock import utcnow
from telesecond.http.files import invite_response
from telesecond.services.calendar import downloads, feeds
from telesecond.services.calendar.feeds import FeedAddress


def _feed_json(address: FeedAddress) -> dict:
    return {"url": address.url, "webcal_url": address.webcal_url}


@bp.get("/consultations/<int:consultation_id>/invite.ics")
@documented(
    "The consultation's calendar invite (text/calendar; REQUEST, or CANCEL once cancelled)",
    errors=("404",),
)
@require_auth()
def consultation_invite(consultation_id: int):
    invite = downloads.invite_for(g.api_account, consultation_id, now=utcnow())
    return invite_response(invite)


@bp.get("/me/calendar-feed")
@documented(
    "The caller's secret calendar-feed address (issued on first use)",
    response="CalendarFeed",
    errors=(),
)
@require_auth()
def get_calendar_feed():
    address = feeds.ensure_address(g.api_account, now=utcnow(), ip=request.remote_addr)
    return jsonify(_feed_json(address))


@bp.post("/me/calendar-feed")
@documented(
    "A new secret calendar-feed address; the old one stops working",
    ok="201",
    response="CalendarFeed",
    errors=(),
)
@require_auth()
def regenerate_calendar_feed():
    address = feeds.regenerate(g.api_account, now=utcnow(), ip=request.remote_addr)
    return jsonify(_feed_json(address)), 201


@bp.delete("/me/calendar-feed")
@documented("Revoke the caller's calendar-feed address", ok="204", errors=())
@require_auth()
def revoke_calendar_feed():
    feeds.revoke(g.api_account, now=utcnow(), ip=request.remote_addr)
    return "", 204
