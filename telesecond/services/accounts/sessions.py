"""Signed-in browser sessions kept on the server: start, resolve, list and end them.

The session cookie holds only a random secret; the database keeps its digest, so a copy of
the cookie opens nothing once its session has ended. A session ends at sign-out, after
``idle`` without a request, at its absolute lifetime, and whenever the account's
sessions are ended together (password change or reset, sign-out everywhere, suspension).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from telesecond.domain.tokens import digest
from telesecond.extensions import db
from telesecond.models import Account, ApiToken, SignInSession
from telesecond.services import audit
from telesecond.services.errors import NotFound

# last_seen_at is written at most this often: enough for an idle timeout in minutes.
TOUCH_EVERY = timedelta(minutes=1)
MAX_RAW_LENGTH = 200


def start(
    account: Account,
    *,
    now: datetime,
    lifetime: timedelta,
    ip: str | None = None,
    user_agent: str | None = None,
    second_factor: str | None = None,
) -> str:
    """Open a session for ``account`` and return the secret its cookie carries."""
    raw = secrets.token_urlsafe(32)
    row = SignInSession(
        account_id=account.id,
        token_hash=digest(raw),
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
        ip=(ip or None) and ip[:45],
        user_agent=(user_agent or None) and user_agent[:200],
        second_factor=second_factor,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "session.started",
        actor_id=account.id,
        target_type="sign_in_session",
        target_id=row.id,
        ip=ip,
        detail={"second_factor": second_factor} if second_factor else None,
    )
    db.session.commit()
    return raw


def resolve(raw: str | None, *, now: datetime, idle: timedelta) -> SignInSession | None:
    """The live session a cookie's secret names, with its account; None for any other.

    A session found idle or past its lifetime is ended here. Seeing a live session keeps
    it alive (``last_seen_at``).
    """
    if not raw or len(raw) > MAX_RAW_LENGTH:
        return None
    row = db.session.scalar(
        select(SignInSession)
        .options(joinedload(SignInSession.account, innerjoin=True))
        .where(SignInSession.token_hash == digest(raw))
    )
    if row is None or row.ended_at is not None:
        return None
    if not row.account.active:
        return None
    if now >= row.expires_at or now - row.last_seen_at >= idle:
        _end(row, now=now, reason="expired" if now >= row.expires_at else "idle")
        db.session.commit()
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    return row


def end(raw: str | None, *, now: datetime, ip: str | None = None) -> None:
    """Sign out: end the session a cookie's secret names, if it is live."""
    if not raw or len(raw) > MAX_RAW_LENGTH:
        return
    row = db.session.scalar(select(SignInSession).where(SignInSession.token_hash == digest(raw)))
    if row is not None and row.ended_at is None:
        _end(row, now=now, reason="signed_out", ip=ip)
        db.session.commit()


def end_one(account: Account, session_id: int, *, now: datetime, ip: str | None = None) -> None:
    """End one of the account's own sessions (from the list of its sessions)."""
    row = db.session.get(SignInSession, session_id)
    if row is None or row.account_id != account.id:
        raise NotFound("No such session.")
    if row.ended_at is None:
        _end(row, now=now, reason="ended_by_owner", ip=ip)
        db.session.commit()


def revoke_token(account: Account, token_id: int, *, now: datetime, ip: str | None = None) -> None:
    """Revoke one of the account's own API tokens (from the list of its sessions)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.account_id != account.id:
        raise NotFound("No such API token.")
    if token.revoked_at is None:
        token.revoked_at = now
        audit.record(
            "token.revoked", actor_id=account.id, target_type="api_token", target_id=token.id, ip=ip
        )
        db.session.commit()


def end_all(
    account_id: int,
    *,
    now: datetime,
    reason: str,
    actor_id: int | None,
    ip: str | None = None,
    keep_session_id: int | None = None,
    keep_token_id: int | None = None,
) -> int:
    """End every live session and API token of the account, but ``keep_session_id`` and
    ``keep_token_id`` (the one asking, when it stays signed in).

    The caller commits (it ends them in the same transaction as the change that asks for
    it: a new password, a suspension). Returns how many sessions and tokens ended.
    """
    live = SignInSession.ended_at.is_(None)
    if keep_session_id is not None:
        live &= SignInSession.id != keep_session_id
    sessions = db.session.execute(
        update(SignInSession)
        .where(SignInSession.account_id == account_id, live)
        .values(ended_at=now, end_reason=reason[:40])
        .execution_options(synchronize_session=False)
    ).rowcount
    live_token = ApiToken.revoked_at.is_(None)
    if keep_token_id is not None:
        live_token &= ApiToken.id != keep_token_id
    tokens = db.session.execute(
        update(ApiToken)
        .where(ApiToken.account_id == account_id, live_token)
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    audit.record(
        "sessions.ended",
        actor_id=actor_id,
        target_type="account",
        target_id=account_id,
        ip=ip,
        detail={"reason": reason, "sessions": sessions, "api_tokens": tokens},
    )
    return sessions + tokens


def sign_out_everywhere(account: Account, *, now: datetime, ip: str | None = None) -> None:
    """End every session and API token of the account, the one asking included."""
    end_all(account.id, now=now, reason="signed_out_everywhere", actor_id=account.id, ip=ip)
    db.session.commit()


def live_sessions(account: Account, *, now: datetime, idle: timedelta) -> list[SignInSession]:
    """The account's sessions that still open pages, newest first."""
    rows = db.session.scalars(
        select(SignInSession)
        .where(
            SignInSession.account_id == account.id,
            SignInSession.ended_at.is_(None),
            SignInSession.expires_at > now,
            SignInSession.last_seen_at > now - idle,
        )
        .order_by(SignInSession.last_seen_at.desc())
    )
    return list(rows)


def live_tokens(account: Account, *, now: datetime) -> list[ApiToken]:
    """The account's API tokens that still answer, newest first."""
    rows = db.session.scalars(
        select(ApiToken)
        .where(
            ApiToken.account_id == account.id,
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > now,
        )
        .order_by(ApiToken.created_at.desc())
    )
    return list(rows)


def _end(row: SignInSession, *, now: datetime, reason: str, ip: str | None = None) -> None:
    row.ended_at, row.end_reason = now, reason
    audit.record(
        "session.ended",
        actor_id=row.account_id,
        target_type="sign_in_session",
        target_id=row.id,
        ip=ip,
        detail={"reason": reason},
    )
