"""Passwords: hash them, and check an email and password at sign-in."""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from telesecond.domain import accounts as rules
from telesecond.extensions import db
from telesecond.models import Account
from telesecond.server.offload import off_loop
from telesecond.services import audit
from telesecond.services.accounts import sign_in_limits

_hasher = PasswordHasher()
# Verified against when the email is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password-for-timing")


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return off_loop(_hasher.hash, password)


def verify_password(account: Account, password: str) -> bool:
    """Whether ``password`` is the account's current password."""
    return off_loop(_password_matches, account.password_hash, password)


def _password_matches(password_hash: str, password: str) -> bool:
    """Whether ``password`` fits the hash; a mismatch is an answer, not an error.

    Caught here, inside the call ``off_loop`` runs in gevent's thread pool: an exception
    leaving the pool is printed with its traceback by gevent's hub on every failed sign-in.
    """
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(
    email: str, password: str, *, ip: str | None = None, now: datetime
) -> Account | None:
    """The account for these credentials, or None; both outcomes are audited.

    :raise sign_in_limits.TooManySignIns: the address failed too often lately (429).
    """
    address = rules.normalize_email(email) or email.strip().lower()[:254]
    sign_in_limits.check(address, now=now)
    account = db.session.scalar(select(Account).where(Account.email == address))
    ok = off_loop(_password_matches, account.password_hash if account else _DUMMY_HASH, password)
    if not (ok and account is not None and account.active):
        audit.record(
            "login.failed",
            actor_id=account.id if account else None,
            target_type="account",
            target_id=account.id if account else None,
            ip=ip,
        )
        sign_in_limits.record_failure(address, now=now)
        db.session.commit()
        return None
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    sign_in_limits.clear(address)
    audit.record(
        "login.succeeded", actor_id=account.id, target_type="account", target_id=account.id, ip=ip
    )
    db.session.commit()
    return account
