"""A sign-in waiting for its second factor: a short-lived, single-use ticket.

After a correct password the browser gets a ticket (only its digest is stored, as an
``AccountToken`` with purpose ``sign_in``), not a session. Each try at the second factor
spends the ticket; a wrong try gets a new ticket with the same deadline, so a copy of an
older cookie opens nothing, and after ``MAX_ATTEMPTS`` wrong tries the person starts over
with their password.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from telesecond.domain.tokens import digest
from telesecond.extensions import db
from telesecond.models import Account, AccountToken

PURPOSE = "sign_in"
LIFETIME = timedelta(minutes=5)
MAX_ATTEMPTS = 5
MAX_RAW_LENGTH = 200


@dataclass(frozen=True)
class Ticket:
    """A live ticket: whose sign-in it is and when it runs out."""

    account: Account
    expires_at: datetime


def issue(account: Account, *, now: datetime, expires_at: datetime | None = None) -> str:
    """A new ticket for ``account`` (its raw secret), live until ``expires_at``."""
    raw = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            account_id=account.id,
            purpose=PURPOSE,
            token_hash=digest(raw),
            created_at=now,
            expires_at=expires_at or now + LIFETIME,
        )
    )
    db.session.commit()
    return raw


def peek(raw: str | None, *, now: datetime) -> Ticket | None:
    """The live ticket ``raw`` names, without spending it."""
    row = _find(raw)
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    account = db.session.get(Account, row.account_id)
    if account is None or not account.active:
        return None
    return Ticket(account, row.expires_at)


def spend(raw: str | None, *, now: datetime) -> Ticket | None:
    """Spend the ticket ``raw`` names; None when it is not live (or another try won it)."""
    ticket = peek(raw, now=now)
    if ticket is None:
        return None
    won = db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.token_hash == digest(raw or ""),
            AccountToken.purpose == PURPOSE,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return ticket if won == 1 else None


def _find(raw: str | None) -> AccountToken | None:
    if not raw or len(raw) > MAX_RAW_LENGTH:
        return None
    return db.session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == digest(raw), AccountToken.purpose == PURPOSE
        )
    )
