"""Single-use, expiring links sent by email (verify an address, reset a password).

The link carries a random secret; only its SHA-256 digest is stored (``AccountToken``).
Spending a link is one conditional UPDATE, so two clicks racing each other cannot both
succeed.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from telesecond.domain.tokens import digest
from telesecond.extensions import db
from telesecond.models import Account, AccountToken

MAX_RAW_LENGTH = 200


def issue(account: Account, purpose: str, *, now: datetime, lifetime: timedelta) -> str:
    """A new link secret for ``purpose``; the caller commits."""
    raw = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            account_id=account.id,
            purpose=purpose,
            token_hash=digest(raw),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return raw


def find_live(raw: str | None, purpose: str, *, now: datetime) -> AccountToken | None:
    """The unused, unexpired link of ``purpose`` this secret names, or None."""
    if not raw or len(raw) > MAX_RAW_LENGTH:
        return None
    row = db.session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == digest(raw), AccountToken.purpose == purpose
        )
    )
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    return row


def spend(row: AccountToken, *, now: datetime) -> bool:
    """Mark the link used; False when another request spent it first. The caller commits."""
    spent = db.session.execute(
        update(AccountToken)
        .where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return spent == 1


def retire(account_id: int, purpose: str, *, now: datetime) -> None:
    """Spend every live link of ``purpose`` (a newer one, or the change it allowed, is done)."""
    db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.account_id == account_id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


def sent_since(account_id: int, purpose: str, since: datetime) -> int:
    """How many links of ``purpose`` went to the account since ``since`` (rate limits)."""
    return db.session.scalar(
        select(func.count())
        .select_from(AccountToken)
        .where(
            AccountToken.account_id == account_id,
            AccountToken.purpose == purpose,
            AccountToken.created_at > since,
        )
    )
