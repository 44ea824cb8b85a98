"""Accounts, the caller's profile and bearer tokens."""

from __future__ import annotations

from flask import current_app, g, jsonify, request, url_for

from telesecond.api.auth import require_auth
from telesecond.api.blueprint import bp
from telesecond.api.openapi import documented
from telesecond.api.parsing import Fields, json_object
from telesecond.clock import utcnow
from telesecond.domain.instants import to_rfc3339
from telesecond.http.limits import sign_in_budget
from telesecond.models import Account
from telesecond.services.accounts import registration, sessions, tokens


def account_json(account: Account) -> dict:
    """The API's view of an account."""
    return {
        "id": account.id,
        "email": account.email,
        "role": account.role,
        "full_name": account.full_name,
        "timezone": account.timezone,
        "phone": account.phone,
        "notify_by": account.channels,
        "sms_consent": account.sms_consent,
        "sms_consent_at": to_rfc3339(account.sms_consent_at),
        "sms_opted_out": account.sms_opted_out,
        "created_at": to_rfc3339(account.created_at),
    }


@bp.post("/accounts")
@documented(
    "Create a patient or specialist account",
    body="NewAccount",
    ok="201",
    response="Account",
    public=True,
    errors=("400", "409", "422"),
)
@sign_in_budget
def create_account():
    """Register; the caller then asks for a token."""
    f = Fields(json_object())
    values = {
        "email": f.string("email", max_len=254),
        "password": f.string("password", max_len=1024),
        "full_name": f.string("full_name"),
        "role": f.string("role", max_len=20),
        "timezone": f.string("timezone", max_len=64),
        "phone": f.string("phone", required=False, max_len=32),
    }
    f.check()
    account = registration.register(**values, ip=request.remote_addr, now=utcnow())
    response = jsonify(account_json(account))
    response.status_code = 201
    response.headers["Location"] = url_for("api.me")
    return response


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
    errors=("400", "401", "422"),
)
@sign_in_budget
def create_token():
    f = Fields(json_object())
    email = f.string("email", max_len=254)
    password = f.string("password", max_len=1024)
    f.check()
    raw, token = tokens.issue(
        email,
        password,
        ttl_hours=current_app.config["TOKEN_TTL_HOURS"],
        ip=request.remote_addr,
        now=utcnow(),
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
