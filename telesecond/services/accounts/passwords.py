"""Choose a new password: by an emailed reset link, or knowing the current one.

A reset request answers the same whether or not the address has an account, and costs
about the same time (a password hash is computed either way). A reset ends every session
and API token of the account; a change ends all but the one asking.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from telesecond.domain import accounts as rules
from telesecond.domain.passwords import password_problem
from telesecond.extensions import db
from telesecond.models import Account
from telesecond.services import audit
from telesecond.services.accounts import account_mail, email_links, sessions, verification
from telesecond.services.accounts.credentials import hash_password, verify_password
from telesecond.services.errors import Invalid

PURPOSE = "reset_password"
# Reset emails per address in REQUEST_WINDOW: enough for a lost email, not a flood.
REQUEST_LIMIT = 3
REQUEST_WINDOW = timedelta(hours=1)
BAD_LINK = "This reset link is not valid: it is unknown, already used or expired."


def lifetime() -> timedelta:
    """How long a reset link lives (``PASSWORD_RESET_MINUTES``)."""
    return timedelta(minutes=max(1, current_app.config["PASSWORD_RESET_MINUTES"]))


def check_new(password: str, account: Account) -> None:
    """:raise Invalid: the password is refused for this account (the reason in words)."""
    problem = password_problem(
        password, role=account.role, user_inputs=[account.email, account.full_name]
    )
    if problem:
        raise Invalid("Choose another password.", {"password": [problem]})


def request_reset(email: str, *, now: datetime, ip: str | None = None) -> None:
    """Email a reset link to the address if it has an account; say nothing either way.

    Over ``REQUEST_LIMIT`` emails an hour, further requests send nothing (and still say
    nothing).
    """
    address = rules.normalize_email(email)
    if address is None:
        raise Invalid.field("email", "Enter a valid email address.")
    account = db.session.scalar(select(Account).where(Account.email == address))
    # The same work on both paths: the time taken does not tell whether an account exists.
    hash_password("password-reset-timing-" + address)
    live = account is not None and account.active
    limited = live and email_links.sent_since(account.id, PURPOSE, now - REQUEST_WINDOW) >= (
        REQUEST_LIMIT
    )
    audit.record(
        "password.reset_requested",
        actor_id=None,
        target_type="account" if account is not None else None,
        target_id=account.id if account is not None else None,
        ip=ip,
        detail={"sent": live and not limited},
    )
    if not live or limited:
        db.session.commit()
        return
    raw = email_links.issue(account, PURPOSE, now=now, lifetime=lifetime())
    db.session.commit()
    account_mail.send(
        "password_reset",
        account,
        now=now,
        link=account_mail.reset_url(raw),
        minutes=int(lifetime().total_seconds() // 60),
    )


def reset_account(raw: str | None, *, now: datetime) -> Account | None:
    """The account a live reset link names (to show the form), or None."""
    row = email_links.find_live(raw, PURPOSE, now=now)
    if row is None:
        return None
    account = db.session.get(Account, row.account_id)
    return account if account is not None and account.active else None


def reset(raw: str | None, password: str, *, now: datetime, ip: str | None = None) -> Account:
    """Set a new password with a reset link: every session and token ends, the address
    counts as verified.

    :raise Invalid: the link is unknown, used or expired (``token``), or the password is
        refused (``password``).
    """
    row = email_links.find_live(raw, PURPOSE, now=now)
    account = db.session.get(Account, row.account_id) if row is not None else None
    if account is None or not account.active:
        raise Invalid.field("token", BAD_LINK)
    check_new(password, account)
    password_hash = hash_password(password)
    if not email_links.spend(row, now=now):
        db.session.rollback()
        raise Invalid.field("token", BAD_LINK)
    account.password_hash = password_hash
    email_links.retire(account.id, PURPOSE, now=now)
    verification.mark_verified(account, now=now, ip=ip, how="password_reset")
    sessions.end_all(account.id, now=now, reason="password_reset", actor_id=account.id, ip=ip)
    audit.record(
        "password.reset", actor_id=account.id, target_type="account", target_id=account.id, ip=ip
    )
    db.session.commit()
    account_mail.send("password_changed", account, now=now, everywhere=True)
    return account


def change(
    account: Account,
    current_password: str,
    new_password: str,
    *,
    now: datetime,
    keep_session_id: int | None = None,
    keep_token_id: int | None = None,
    ip: str | None = None,
) -> None:
    """Change the password knowing the current one; every other session and token ends.

    :raise Invalid: the current password is wrong (``current_password``) or the new one
        is refused (``new_password``).
    """
    if not verify_password(account, current_password):
        audit.record(
            "password.change_failed",
            actor_id=account.id,
            target_type="account",
            target_id=account.id,
            ip=ip,
        )
        db.session.commit()
        raise Invalid.field("current_password", "Your current password is not correct.")
    try:
        check_new(new_password, account)
    except Invalid as error:
        problems = {"new_password": error.errors["password"]}
        raise Invalid("Choose another password.", problems) from None
    if verify_password(account, new_password):
        raise Invalid.field("new_password", "Choose a password other than your current one.")
    account.password_hash = hash_password(new_password)
    email_links.retire(account.id, PURPOSE, now=now)
    sessions.end_all(
        account.id,
        now=now,
        reason="password_changed",
        actor_id=account.id,
        ip=ip,
        keep_session_id=keep_session_id,
        keep_token_id=keep_token_id,
    )
    audit.record(
        "password.changed", actor_id=account.id, target_type="account", target_id=account.id, ip=ip
    )
    db.session.commit()
    account_mail.send("password_changed", account, now=now, everywhere=False)
