"""The patient's secret, expiring link to the opinion for their own doctor."""

from __future__ import annotations

from flask import g, jsonify, request

from telesecond.api.auth import require_auth
from telesecond.api.blueprint import bp
from telesecond.api.openapi import documented
from telesecond.api.parsing import Fields, json_object
from telesecond.clock import utcnow
from telesecond.domain.instants import to_rfc3339
from telesecond.extensions import limiter
from telesecond.http.limits import SEND_LIMIT
from telesecond.services.opinions import physician_links


@bp.post("/consultations/<int:consultation_id>/physician-link")
@documented(
    "Patient: a secret link to the opinion for their doctor, for PHYSICIAN_LINK_DAYS "
    "(emailed if physician_email; a code or the birth date may guard it)",
    body="PhysicianLinkInput",
    ok="201",
    response="PhysicianLink",
    errors=("400", "403", "404", "409", "415", "422", "429"),
)
@limiter.limit(SEND_LIMIT)
@require_auth()
def create_physician_link(consultation_id: int):
    data = json_object() if request.get_data(cache=True).strip() else {}
    f = Fields(data)
    email = f.string("physician_email", required=False, default=None, max_len=254)
    f.check()
    shared = physician_links.create(
        g.api_account,
        consultation_id,
        physician_email=email,
        now=utcnow(),
        ip=request.remote_addr,
    )
    body = {"url": shared.url, "expires_at": to_rfc3339(shared.expires_at)}
    if email:
        body["emailed"] = shared.emailed
    return jsonify(body), 201


@bp.delete("/consultations/<int:consultation_id>/physician-link")
@documented(
    "Patient: withdraw the links to the opinion at once (the doctor's page answers 404)",
    ok="204",
    errors=("403", "404"),
)
@require_auth()
def revoke_physician_link(consultation_id: int):
    physician_links.revoke(g.api_account, consultation_id, now=utcnow(), ip=request.remote_addr)
    return "", 204
