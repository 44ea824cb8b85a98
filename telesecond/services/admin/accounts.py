"""Admins look after accounts: find them, deactivate and reactivate them, create admins."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select

from telesecond.domain import accounts as rules
from telesecond.domain.passwords import password_problem
from telesecond.extensions import db
from telesecond.models import Account, AuditEvent
from telesecond.models.account import ROLES
from telesecond.services import audit
from telesecond.services.accounts import sessions
from telesecond.services.accounts.credentials import hash_password
from telesecond.services.admin.paging import PAGE_SIZE, Page, page_of
from telesecond.services.errors import Conflict, Forbidden, Invalid, NotFound

STATES = ("active", "deactivated")
MAX_REASON = 500
MAX_SEARCH = 200


def search(
    *, text: str = "", role: str = "", state: str = "", page: int = 1, size: int = PAGE_SIZE
) -> Page:
    """Accounts whose name or email contains ``text``, of a role and state, by email."""
    if role and role not in ROLES:
        raise Invalid.field("role", _("Choose patient, specialist or admin."))
    if state and state not in STATES:
        raise Invalid.field("state", _("Choose active or deactivated."))
    if len(text) > MAX_SEARCH:
        raise Invalid.field("q", _("Search with at most %(num)s characters.", num=MAX_SEARCH))
    query = select(Account).order_by(Account.email, Account.id)
    words = text.strip().lower()
    if words:
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                Account.email.like(pattern, escape="\\"),
                Account.full_name.ilike(pattern, escape="\\"),
            )
        )
    if role:
        query = query.where(Account.role == role)
    if state:
        query = query.where(Account.active.is_(state == "active"))
    return page_of(query, number=page, size=size)


def get(account_id: int) -> Account:
    """The account; NotFound when there is none."""
    account = db.session.get(Account, account_id)
    if account is None:
        raise NotFound(_("No such account."))
    return account


def last_deactivation(account_id: int) -> AuditEvent | None:
    """The most recent deactivation of the account (its reason and who did it)."""
    return db.session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.action == "account.deactivated",
            AuditEvent.target_type == "account",
            AuditEvent.target_id == str(account_id),
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    )


def deactivate(
    admin: Account, account_id: int, *, reason: str, now: datetime, ip: str | None = None
) -> Account:
    """Stop an account: it cannot sign in, and its sessions and API tokens end at once.

    :raise Forbidden: an admin deactivating themselves.
    :raise Invalid: no reason, or one too long.
    :raise Conflict: the account is already deactivated.
    """
    account = get(account_id)
    if account.id == admin.id:
        raise Forbidden(_("You cannot deactivate your own account; ask another admin."))
    reason = reason.strip()
    if not reason:
        raise Invalid.field("reason", _("Say why the account is deactivated."))
    if len(reason) > MAX_REASON:
        raise Invalid.field("reason", _("Use at most %(num)s characters.", num=MAX_REASON))
    if not account.active:
        raise Conflict(_("This account is already deactivated."))
    account.active = False
    sessions.end_all(account.id, now=now, reason="deactivated", actor_id=admin.id, ip=ip)
    audit.record(
        "account.deactivated",
        actor_id=admin.id,
        target_type="account",
        target_id=account.id,
        ip=ip,
        detail={"reason": reason},
    )
    db.session.commit()
    return account


def reactivate(admin: Account, account_id: int, *, now: datetime, ip: str | None = None) -> Account:
    """Let a deactivated account sign in again (its old sessions stay ended).

    :raise Conflict: the account is active.
    """
    account = get(account_id)
    if account.active:
        raise Conflict(_("This account is already active."))
    account.active = True
    audit.record(
        "account.reactivated", actor_id=admin.id, target_type="account", target_id=account.id, ip=ip
    )
    db.session.commit()
    return account


def create_admin(email: str, password: str, *, now: datetime) -> Account:
    """A new admin account with a verified address (from the command line).

    :raise Invalid: not an email address, or a refused password.
    :raise Conflict: the address already has an account.
    """
    address = rules.normalize_email(email)
    if address is None:
        raise Invalid.field("email", "Enter a valid email address.")
    problem = password_problem(password, role="admin", user_inputs=[address])
    if problem:
        raise Invalid.field("password", problem)
    if db.session.scalar(select(Account.id).where(Account.email == address)) is not None:
        raise Conflict("That address already has an account.")
    account = Account(
        email=address,
        password_hash=hash_password(password),
        full_name="Administrator",
        role="admin",
        timezone="UTC",
        notify_by="email",
        created_at=now,
        email_verified_at=now,
    )
    db.session.add(account)
    db.session.flush()
    audit.record(
        "account.admin_created", actor_id=None, target_type="account", target_id=account.id
    )
    db.session.commit()
    return account
