"""Accounts, the caller's profile and bearer tokens."""

from __future__ import annotations

from flask import current_app, g, jsonify, request

from telesecond.api.auth import require_auth
from telesecond.api.blueprint import bp
from telesecond.api.openapi import documented
from telesecond.api.parsing import Fields, json_object
from telesecond.clock import utcnow
from telesecond.domain.instants import to_rfc3339
from telesecond.http.limits import sign_in_budget
from telesecond.models import Account
from telesecond.services.accounts import registration, sessions, tokens
from telesecond.services.scheduling import specialists

CHECK_YOUR_EMAIL = (
    "Thank you. We have sent an email to this address: it says what to do next. "
    "If it does not arrive within a few minutes, check your spam folder."
)


def account_json(account: Account) -> dict:
    """The API's view of an account (a specialist's also says where their review stands)."""
    body = {
        "id": account.id,
        "email": account.email,
        "role": account.role,
        "full_name": account.full_name,
        "timezone": account.timezone,
        "language": account.language,
        "phone": account.phone,
        "notify_by": account.channels,
        "sms_consent": account.sms_consent,
        "sms_consent_at": to_rfc3339(account.sms_consent_at),
        "sms_opted_out": account.sms_opted_out,
        "email_verified": account.email_verified,
        "created_at": to_rfc3339(account.created_at),
    }
    if account.role == "specialist":
        profile = specialists.verification_of(account)
        body["verification"] = profile.verification if profile else "pending"
        body["verification_reason"] = profile.verification_reason if profile else None
    return body


@bp.post("/accounts")
@documented(
    "Sign up as a patient or specialist; the answer is the same whether or not the "
    "address already has an account (the next step is in the email)",
    body="NewAccount",
    ok="202",
    response="Accepted",
    public=True,
    errors=("400", "422"),
)
@sign_in_budget
def create_account():
    """Register; the email sent to the address says what happens next."""
    f = Fields(json_object())
    values = {
        "email": f.string("email", max_len=254),
        "password": f.string("password", max_len=1024),
        "full_name": f.string("full_name"),
        "role": f.string("role", max_len=20),
        "timezone": f.string("timezone", max_len=64),
        "phone": f.string("phone", required=False, max_len=32),
        "sms_consent": bool(f.boolean("sms_consent", required=False, default=False)),
    }
    f.check()
    registration.register(**values, ip=request.remote_addr, now=utcnow())
    return jsonify({"detail": CHECK_YOUR_EMAIL}), 202


@bp.get("/me")
@documented("The caller's account", response="Account")
@require_auth()
def me():
    return jsonify(account_json(g.api_account))


@bp.patch("/me")
@documented("Change the caller's profile", body="AccountPatch", response="Account")
@require_auth()
def update_me():
    f = Fields(json_object())
    changes = {}
    if f.has("full_name"):
        changes["full_name"] = f.string("full_name")
    if f.has("timezone"):
        changes["timezone"] = f.string("timezone", max_len=64)
    if f.has("phone"):
        changes["phone"] = f.string("phone", required=False, max_len=32, allow_empty=True)
    if f.has("notify_by"):
        changes["notify_by"] = f.strings("notify_by", max_items=2, max_len=10)
    if f.has("sms_consent"):
        changes["sms_consent"] = f.boolean("sms_consent")
    if f.has("language"):
        changes["language"] = f.string("language", max_len=35)
    f.check()
    account = registration.update_profile(
        g.api_account, changes, ip=request.remote_addr, now=utcnow()
    )
    return jsonify(account_json(account))


@bp.post("/tokens")
@documented(
    "Exchange email and password for a bearer token",
    body="Credentials",
    ok="201",
    response="Token",
    public=True,
    errors=("400", "401", "403", "422"),
)
@sign_in_budget
def create_token():
    f = Fields(json_object())
    email = f.string("email", max_len=254)
    password = f.string("password", max_len=1024)
    otp = f.string("otp", required=False, max_len=64)
    f.check()
    raw, token = tokens.issue(
        email,
        password,
        ttl_hours=current_app.config["TOKEN_TTL_HOURS"],
        ip=request.remote_addr,
        now=utcnow(),
        otp=otp,
        second_factor_required=current_app.config["CLINICIAN_2FA_REQUIRED"],
    )
    return jsonify({"token": raw, "expires_at": to_rfc3339(token.expires_at)}), 201


@bp.delete("/tokens/current")
@documented("Revoke the token used for this request", ok="204")
@require_auth()
def revoke_token():
    tokens.revoke(g.api_token, ip=request.remote_addr, now=utcnow())
    return "", 204


@bp.delete("/me/sessions")
@documented("Sign out everywhere: end every session and API token, this one included", ok="204")
@require_auth()
def sign_out_everywhere():
    sessions.sign_out_everywhere(g.api_account, now=utcnow(), ip=request.remote_addr)
    return "", 204
