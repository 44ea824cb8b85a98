"""Verify an account's email address: send the link, resend it (rate-limited), spend it.

Until the address is verified a patient books nothing and gets no reminder email
(``domain/verification.py``); opening the link, or resetting the password by email,
proves the person reads the address.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from telesecond.extensions import db
from telesecond.models import Account
from telesecond.services import audit
from telesecond.services.accounts import account_mail, email_links
from telesecond.services.errors import Conflict, Invalid, ServiceError

PURPOSE = "verify_email"
# Resends per account in RESEND_WINDOW (the first email at sign-up counts too).
RESEND_LIMIT = 3
RESEND_WINDOW = timedelta(hours=1)
BAD_LINK = "This confirmation link is not valid: it is unknown, already used or expired."


class TooManyRequests(ServiceError):
    """The caller asked too often; try again later."""

    status = 429
    title = "Too many requests"


def lifetime() -> timedelta:
    """How long a verification link lives (``EMAIL_VERIFICATION_HOURS``)."""
    return timedelta(hours=max(1, current_app.config["EMAIL_VERIFICATION_HOURS"]))


def send_link(account: Account, *, now: datetime, ip: str | None = None) -> bool:
    """Email a new verification link to the account (older links stop working). Commits."""
    email_links.retire(account.id, PURPOSE, now=now)
    raw = email_links.issue(account, PURPOSE, now=now, lifetime=lifetime())
    audit.record(
        "email.verification_sent",
        actor_id=account.id,
        target_type="account",
        target_id=account.id,
        ip=ip,
    )
    db.session.commit()
    hours = int(lifetime().total_seconds() // 3600)
    return account_mail.send(
        "verify_email", account, now=now, link=account_mail.verify_url(raw), hours=hours
    )


def resend(account: Account, *, now: datetime, ip: str | None = None) -> bool:
    """Send the link again, at most ``RESEND_LIMIT`` times an hour.

    :raise Conflict: the address is already verified. :raise TooManyRequests: over the limit.
    """
    if account.email_verified:
        raise Conflict("Your email address is already verified.")
    if email_links.sent_since(account.id, PURPOSE, now - RESEND_WINDOW) >= RESEND_LIMIT:
        raise TooManyRequests(
            "We have sent several links in the last hour. Please check your inbox and spam "
            "folder, or try again later."
        )
    return send_link(account, now=now, ip=ip)


def pending_account(raw: str | None, *, now: datetime) -> Account | None:
    """The account a live verification link names (to show the confirm page), or None."""
    row = email_links.find_live(raw, PURPOSE, now=now)
    return db.session.get(Account, row.account_id) if row is not None else None


def verify(raw: str | None, *, now: datetime, ip: str | None = None) -> Account:
    """Spend the link and mark the address verified.

    :raise Invalid: the link is unknown, used or expired.
    """
    row = email_links.find_live(raw, PURPOSE, now=now)
    if row is None or not email_links.spend(row, now=now):
        db.session.rollback()
        raise Invalid.field("token", BAD_LINK)
    account = db.session.get(Account, row.account_id)
    mark_verified(account, now=now, ip=ip, how="link")
    db.session.commit()
    return account


def mark_verified(account: Account, *, now: datetime, ip: str | None, how: str) -> None:
    """Record that the person reads the address (the caller commits)."""
    if account.email_verified_at is None:
        account.email_verified_at = now
        audit.record(
            "email.verified",
            actor_id=account.id,
            target_type="account",
            target_id=account.id,
            ip=ip,
            detail={"by": how},
        )
    email_links.retire(account.id, PURPOSE, now=now)
