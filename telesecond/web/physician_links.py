"""The page the patient's doctor opens from the link: the opinion, read-only, no account."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template, request

from telesecond.clock import utcnow
from telesecond.services.opinions import physician_links, second_opinion

bp = Blueprint("physician_links", __name__)


@bp.get("/opinions/shared/<token>")
def shared(token: str):
    """The opinion behind a live link (404 once withdrawn or expired); each open is audited."""
    consultation, opinion = physician_links.open_shared(token, now=utcnow(), ip=request.remote_addr)
    page = make_response(
        render_template(
            "opinions/view.html",
            consultation=consultation,
            opinion=opinion,
            assessment=second_opinion.ASSESSMENT_LABELS.get(
                opinion.diagnosis_assessment, opinion.diagnosis_assessment
            ),
            is_specialist=False,
            can_send=False,
        )
    )
    # The token is the key: keep it out of caches and other sites' Referer headers.
    page.headers["Cache-Control"] = "no-store"
    page.headers["Referrer-Policy"] = "no-referrer"
    return page
