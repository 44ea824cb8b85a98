"""Admin API: review specialists, verify their licences, refuse, suspend, reinstate."""

from __future__ import annotations

from flask import g, jsonify, request

from telesecond.api.auth import require_auth
from telesecond.api.blueprint import bp
from telesecond.api.openapi import documented
from telesecond.api.parsing import Fields, json_object, text_problem
from telesecond.clock import utcnow
from telesecond.domain.instants import to_rfc3339
from telesecond.domain.licensure import LicenceInput, is_current
from telesecond.models import SpecialistLicence, SpecialistProfile
from telesecond.services.admin import specialists as admin

ID = "<int(max=2147483647):specialist_id>"
_LICENCE_FIELDS = {"region": 10, "number": 100, "issuer": 200, "expires_on": 10}


def licence_json(licence: SpecialistLicence, now) -> dict:
    """A licence as the admin sees it: number, evidence note and who verified it."""
    return {
        "id": licence.id,
        "region": licence.region,
        "number": licence.number,
        "issuer": licence.issuer,
        "expires_on": licence.expires_on.isoformat(),
        "current": is_current(licence.expires_on, now),
        "verified_by": licence.verified_by_id,
        "verified_at": to_rfc3339(licence.verified_at),
        "note": licence.note,
        "expiry_warned_at": to_rfc3339(licence.expiry_warned_at),
    }


def admin_specialist_json(profile: SpecialistProfile) -> dict:
    """The admin's view of a specialist: state, claims (as claims) and verified licences."""
    now = utcnow()
    return {
        "id": profile.account_id,
        "full_name": profile.account.full_name,
        "email": profile.account.email,
        "verification": profile.verification,
        "verification_reason": profile.verification_reason,
        "verification_changed_at": to_rfc3339(profile.verification_changed_at),
        "verification_changed_by": profile.verification_changed_by_id,
        "claimed_regions": profile.labels("region"),
        "specialties": profile.labels("specialty"),
        "credentials": profile.credentials,
        "licences": [licence_json(lic, now) for lic in profile.licences],
    }


def _licences(value) -> list[LicenceInput]:
    if not isinstance(value, list):
        raise ValueError('Give a list of {"region", "number", "issuer", "expires_on"}.')
    if len(value) > admin.MAX_LICENCES:
        raise ValueError(f"Record at most {admin.MAX_LICENCES} licences at once.")
    out = []
    for n, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise ValueError(f'Licence {n}: give {{"region", "number", "issuer", "expires_on"}}.')
        fields = {}
        for name, most in _LICENCE_FIELDS.items():
            raw = item.get(name)
            if not isinstance(raw, str):
                raise ValueError(f"Licence {n}: {name} must be a string.")
            problem = text_problem(raw) or (
                f"use at most {most} characters." if len(raw) > most else None
            )
            if problem:
                raise ValueError(f"Licence {n}: {name}: {problem}")
            fields[name] = raw
        out.append(LicenceInput(**fields))
    return out


@bp.get("/admin/specialists")
@documented(
    "Admin: specialists and where their review stands",
    response="AdminSpecialistPage",
    errors=("403", "422"),
)
@require_auth("admin")
def admin_list_specialists():
    state = request.args.get("verification") or None
    profiles = admin.list_specialists(g.api_account, verification=state)
    return jsonify({"items": [admin_specialist_json(p) for p in profiles], "next": None})


@bp.post(f"/admin/specialists/{ID}/verification")
@documented(
    "Admin: verify (with the licences checked) or refuse (with a reason) a specialist",
    body="VerificationDecision",
    response="AdminSpecialist",
    errors=("400", "403", "404", "409", "422"),
)
@require_auth("admin")
def admin_decide_verification(specialist_id: int):
    f = Fields(json_object())
    decision = f.string("decision", max_len=10)
    if decision not in (None, "verify", "refuse"):
        f.error("decision", "Choose verify or refuse.")
    note = f.string("note", required=False, max_len=admin.MAX_REASON)
    licences = reason = None
    if decision == "verify":
        licences = f.custom("licences", _licences)
    elif decision == "refuse":
        reason = f.string("reason", max_len=admin.MAX_REASON)
    f.check()
    now = utcnow()
    if decision == "verify":
        profile = admin.verify(
            g.api_account, specialist_id, licences, note=note, now=now, ip=request.remote_addr
        )
    else:
        profile = admin.refuse(
            g.api_account, specialist_id, reason=reason, note=note, now=now, ip=request.remote_addr
        )
    return jsonify(admin_specialist_json(profile))


def _reason() -> str | None:
    f = Fields(json_object())
    reason = f.string("reason", max_len=admin.MAX_REASON)
    f.check()
    return reason


@bp.post(f"/admin/specialists/{ID}/suspension")
@documented(
    "Admin: suspend a verified specialist (ends their sessions and tokens)",
    body="ReasonInput",
    response="AdminSpecialist",
    errors=("400", "403", "404", "409", "422"),
)
@require_auth("admin")
def admin_suspend_specialist(specialist_id: int):
    reason = _reason()
    profile = admin.suspend(
        g.api_account, specialist_id, reason=reason, now=utcnow(), ip=request.remote_addr
    )
    return jsonify(admin_specialist_json(profile))


@bp.delete(f"/admin/specialists/{ID}/suspension")
@documented(
    "Admin: reinstate a suspended specialist",
    body="ReasonInput",
    response="AdminSpecialist",
    errors=("400", "403", "404", "409", "422"),
)
@require_auth("admin")
def admin_reinstate_specialist(specialist_id: int):
    reason = _reason()
    profile = admin.reinstate(
        g.api_account, specialist_id, reason=reason, now=utcnow(), ip=request.remote_addr
    )
    return jsonify(admin_specialist_json(profile))
