"""Verify the address, reset or change the password (shared/API.md, "Trust and accounts")."""

from __future__ import annotations

from flask import g, jsonify, request

from telesecond.api.auth import require_auth
from telesecond.api.blueprint import bp
from telesecond.api.openapi import documented
from telesecond.api.parsing import Fields, json_object
from telesecond.api.schemas import SCHEMAS
from telesecond.clock import utcnow
from telesecond.extensions import limiter
from telesecond.http.limits import login_limit
from telesecond.services.accounts import passwords, verification

RESET_SENT = (
    "If this address has an account, we have sent it a link to choose a new password. "
    "The link works once and for a limited time."
)
VERIFICATION_SENT = "We have sent a new confirmation link to your email address."

_STR = {"type": "string"}
SCHEMAS.update(
    {
        "Accepted": {"type": "object", "required": ["detail"], "properties": {"detail": _STR}},
        "EmailVerification": {
            "type": "object",
            "required": ["token"],
            "properties": {"token": _STR},
        },
        "PasswordResetRequest": {
            "type": "object",
            "required": ["email"],
            "properties": {"email": {"type": "string", "format": "email"}},
        },
        "PasswordReset": {
            "type": "object",
            "required": ["token", "password"],
            "properties": {"token": _STR, "password": _STR},
        },
        "PasswordChange": {
            "type": "object",
            "required": ["current_password", "new_password"],
            "properties": {"current_password": _STR, "new_password": _STR},
        },
    }
)


@bp.post("/email-verifications")
@documented(
    "Verify the account's email address with the token from the emailed link",
    body="EmailVerification",
    ok="204",
    public=True,
)
@limiter.limit(login_limit)
def verify_email():
    f = Fields(json_object())
    token = f.string("token", max_len=200)
    f.check()
    verification.verify(token, now=utcnow(), ip=request.remote_addr)
    return "", 204


@bp.post("/me/email-verification")
@documented(
    "Send the caller a new email verification link (3 an hour)",
    ok="202",
    response="Accepted",
    errors=("409", "429"),
)
@require_auth()
def resend_verification():
    verification.resend(g.api_account, now=utcnow(), ip=request.remote_addr)
    return jsonify({"detail": VERIFICATION_SENT}), 202


@bp.post("/password-resets")
@documented(
    "Email a password reset link; the answer is the same whether or not the address has an account",
    body="PasswordResetRequest",
    ok="202",
    response="Accepted",
    public=True,
)
@limiter.limit(login_limit)
def request_password_reset():
    f = Fields(json_object())
    email = f.string("email", max_len=254)
    f.check()
    passwords.request_reset(email, now=utcnow(), ip=request.remote_addr)
    return jsonify({"detail": RESET_SENT}), 202


@bp.post("/password-resets/confirm")
@documented(
    "Set a new password with the token from a reset link; every session and token ends",
    body="PasswordReset",
    ok="204",
    public=True,
)
@limiter.limit(login_limit)
def confirm_password_reset():
    f = Fields(json_object())
    token = f.string("token", max_len=200)
    password = f.string("password", max_len=1024)
    f.check()
    passwords.reset(token, password, now=utcnow(), ip=request.remote_addr)
    return "", 204


@bp.post("/me/password")
@documented(
    "Change the caller's password; every other session and token ends",
    body="PasswordChange",
    ok="204",
)
@require_auth()
@limiter.limit(login_limit)
def change_password():
    f = Fields(json_object())
    current = f.string("current_password", max_len=1024)
    new = f.string("new_password", max_len=1024)
    f.check()
    passwords.change(
        g.api_account,
        current,
        new,
        now=utcnow(),
        keep_token_id=g.api_token.id,
        ip=request.remote_addr,
    )
    return "", 204
