"""Bearer tokens for the JSON API: issue, resolve, revoke."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from telesecond.domain.tokens import digest
from telesecond.extensions import db
from telesecond.models import Account, ApiToken
from telesecond.services import audit
from telesecond.services.accounts import credentials, second_factor
from telesecond.services.errors import Unauthenticated


def issue(
    email: str,
    password: str,
    *,
    ttl_hours: int,
    now: datetime,
    ip: str | None = None,
    otp: str | None = None,
    second_factor_required: bool = False,
):
    """Check the credentials (and ``otp``, for an account with a second factor) and return
    ``(raw_token, ApiToken)``; raise Unauthenticated, or Forbidden for a clinician who must
    set up a second factor first (``second_factor_required``)."""
    account = credentials.authenticate(email, password, ip=ip, now=now)
    if account is None:
        raise Unauthenticated("The email address or password is not correct.")
    second_factor.check_for_token(account, otp, required=second_factor_required, now=now, ip=ip)
    raw = secrets.token_urlsafe(32)
    token = ApiToken(
        account_id=account.id,
        token_hash=digest(raw),
        created_at=now,
        expires_at=now + timedelta(hours=ttl_hours),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "token.created", actor_id=account.id, target_type="api_token", target_id=token.id, ip=ip
    )
    db.session.commit()
    return raw, token


# The account comes with its token (innerjoin: a token always has one).
_RESOLVE = (
    select(ApiToken)
    .options(joinedload(ApiToken.account, innerjoin=True))
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


def read(token_hash: str) -> ApiToken | None:
    """The token row with its account, live or not."""
    return db.session.scalar(_RESOLVE, {"token_hash": token_hash})


def resolve(raw: str, *, now: datetime) -> tuple[Account, ApiToken] | None:
    """The account and token for a raw bearer token, if it is live at ``now``."""
    if not raw or len(raw) > 200:
        return None
    token = read(digest(raw))
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    if not token.account.active:
        return None
    return token.account, token


def revoke(token: ApiToken, *, now: datetime, ip: str | None = None) -> None:
    """Revoke a token at once."""
    token.revoked_at = now
    audit.record(
        "token.revoked",
        actor_id=token.account_id,
        target_type="api_token",
        target_id=token.id,
        ip=ip,
    )
    db.session.commit()
