"""Second factors: an authenticator app (TOTP) and single-use recovery codes.

An account has a second factor once it has a confirmed authenticator or a passkey
(``passkeys.py``). Codes are checked against the time step they were made for, and a
step is accepted once: the row's ``last_used_step`` moves forward with a conditional
update, so two requests racing with the same code cannot both win. Recovery codes are
stored as keyed digests and are spent the same way.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import delete, exists, func, or_, select, update

from telesecond.domain import second_factor as rules
from telesecond.extensions import db
from telesecond.models import Account, Passkey, RecoveryCode, TotpCredential
from telesecond.server.offload import off_loop
from telesecond.services import audit
from telesecond.services.errors import Conflict, Forbidden, Invalid, Unauthenticated

# Roles that must have a second factor when CLINICIAN_2FA_REQUIRED is on.
CLINICIAN_ROLES = ("specialist", "admin")
TOTP = "totp"
RECOVERY = "recovery"
PASSKEY = "passkey"

_hasher = PasswordHasher()


@dataclass(frozen=True)
class Overview:
    """What protects an account besides its password."""

    totp_enabled: bool
    recovery_codes_left: int
    passkeys: list[Passkey]

    @property
    def enabled(self) -> bool:
        return self.totp_enabled or bool(self.passkeys)


def overview(account: Account) -> Overview:
    """The account's second factors, for its security page."""
    totp = db.session.get(TotpCredential, account.id)
    left = db.session.scalar(
        select(func.count(RecoveryCode.id)).where(
            RecoveryCode.account_id == account.id, RecoveryCode.used_at.is_(None)
        )
    )
    keys = db.session.scalars(
        select(Passkey).where(Passkey.account_id == account.id).order_by(Passkey.created_at)
    )
    return Overview(
        totp_enabled=totp is not None and totp.confirmed_at is not None,
        recovery_codes_left=left or 0,
        passkeys=list(keys),
    )


def has_second_factor(account_id: int) -> bool:
    """Whether the account has a confirmed authenticator or a passkey."""
    totp = exists().where(
        TotpCredential.account_id == account_id, TotpCredential.confirmed_at.is_not(None)
    )
    key = exists().where(Passkey.account_id == account_id)
    return bool(db.session.scalar(select(or_(totp, key))))


def must_enrol(account: Account, *, required: bool) -> bool:
    """Whether a clinician must set up a second factor before anything else."""
    return required and account.role in CLINICIAN_ROLES and not has_second_factor(account.id)


def password_matches(account: Account, password: str) -> bool:
    """Whether ``password`` is the account's password (asked again before a change)."""
    try:
        return off_loop(_hasher.verify, account.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def start_totp(account: Account, *, now: datetime) -> TotpCredential:
    """A new, unconfirmed authenticator secret for the account (replacing an unconfirmed one)."""
    row = db.session.get(TotpCredential, account.id)
    if row is not None and row.confirmed_at is not None:
        raise Conflict("An authenticator app is already set up. Turn it off first.")
    if row is None:
        row = TotpCredential(account_id=account.id, created_at=now)
        db.session.add(row)
    row.secret, row.created_at, row.last_used_step = rules.new_totp_secret(), now, None
    db.session.commit()
    return row


def pending_totp(account: Account) -> TotpCredential | None:
    """The authenticator secret waiting for its first code, if any."""
    row = db.session.get(TotpCredential, account.id)
    return row if row is not None and row.confirmed_at is None else None


def provisioning_uri(row: TotpCredential, *, email: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    totp = pyotp.TOTP(row.secret, digits=rules.TOTP_DIGITS, interval=rules.TOTP_PERIOD_SECONDS)
    return totp.provisioning_uri(name=email, issuer_name=issuer)


def confirm_totp(account: Account, code: str, *, now: datetime, ip: str | None = None) -> list[str]:
    """Turn the authenticator on with its first code; return fresh recovery codes."""
    row = pending_totp(account)
    if row is None:
        raise Conflict("Start the set-up again: there is no authenticator waiting for a code.")
    step = rules.matching_step(
        row.secret, rules.normalize_code(code), at=now, last_used_step=row.last_used_step
    )
    if step is None:
        raise Invalid.field("code", "That code is not right. Enter the 6 digits the app shows now.")
    row.confirmed_at, row.last_used_step = now, step
    audit.record(
        "2fa.totp_enrolled", actor_id=account.id, target_type="account", target_id=account.id, ip=ip
    )
    codes = _replace_recovery_codes(account, now=now, ip=ip)
    db.session.commit()
    return codes


def regenerate_recovery_codes(
    account: Account, password: str, *, now: datetime, ip: str | None = None
) -> list[str]:
    """New recovery codes (the old ones stop working), after the password is given again."""
    if not has_second_factor(account.id):
        raise Conflict("Set up an authenticator app or a passkey first.")
    if not password_matches(account, password):
        raise Invalid.field("password", "That password is not right.")
    codes = _replace_recovery_codes(account, now=now, ip=ip)
    db.session.commit()
    return codes


def disable_totp(
    account: Account,
    password: str,
    code: str,
    *,
    required: bool,
    now: datetime,
    ip: str | None = None,
) -> None:
    """Turn the authenticator off, after the password and a current code."""
    row = db.session.get(TotpCredential, account.id)
    if row is None or row.confirmed_at is None:
        raise Conflict("No authenticator app is set up.")
    has_passkey = db.session.scalar(select(exists().where(Passkey.account_id == account.id)))
    if required and account.role in CLINICIAN_ROLES and not has_passkey:
        raise Forbidden(
            "Clinicians must keep a second factor. Add a passkey before turning this off."
        )
    errors: dict[str, list[str]] = {}
    if not password_matches(account, password):
        errors["password"] = ["That password is not right."]
    elif _spend_code(account, rules.normalize_code(code), now=now) is None:
        errors["code"] = ["That code is not right."]
    if errors:
        audit.record(
            "2fa.failed",
            actor_id=account.id,
            target_type="account",
            target_id=account.id,
            ip=ip,
            detail={"during": "disable"},
        )
        db.session.commit()
        raise Invalid("The authenticator is still on.", errors)
    db.session.delete(row)
    if not has_passkey:
        db.session.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account.id))
    audit.record(
        "2fa.totp_disabled", actor_id=account.id, target_type="account", target_id=account.id, ip=ip
    )
    db.session.commit()


def verify_code(account: Account, code: str, *, now: datetime, ip: str | None = None) -> str | None:
    """Check a code given at sign-in: the factor it was (totp, recovery), or None.

    Either way the attempt is audited; a code that worked can never work again.
    """
    factor = _spend_code(account, rules.normalize_code(code), now=now)
    if factor is None:
        audit.record(
            "2fa.failed",
            actor_id=account.id,
            target_type="account",
            target_id=account.id,
            ip=ip,
            detail={"factor": "code"},
        )
    else:
        audit.record(
            "2fa.used",
            actor_id=account.id,
            target_type="account",
            target_id=account.id,
            ip=ip,
            detail={"factor": factor},
        )
    db.session.commit()
    return factor


def check_for_token(
    account: Account, otp: str | None, *, required: bool, now: datetime, ip: str | None = None
) -> str | None:
    """The second-factor rule of an API token request; the factor used, if any.

    :raise Forbidden: a clinician without a second factor while one is required.
    :raise Unauthenticated: the account has a second factor and ``otp`` is missing or wrong.
    """
    if must_enrol(account, required=required):
        raise Forbidden(
            "Set up two-factor sign-in at /account/two-factor before using the API.",
            extra={"enrolment_required": True},
        )
    if not has_second_factor(account.id):
        return None
    if not otp:
        raise Unauthenticated(
            "This account uses two-factor sign-in: send otp, a code from the authenticator "
            "app or a recovery code.",
            extra={"second_factor_required": True},
        )
    factor = verify_code(account, otp, now=now, ip=ip)
    if factor is None:
        raise Unauthenticated(
            "The one-time code is not right.", extra={"second_factor_required": True}
        )
    return factor


def _spend_code(account: Account, code: str, *, now: datetime) -> str | None:
    """Use up a TOTP step or a recovery code that ``code`` matches; the factor, or None."""
    if rules.looks_like_totp(code):
        row = db.session.get(TotpCredential, account.id)
        if row is None or row.confirmed_at is None:
            return None
        step = rules.matching_step(row.secret, code, at=now, last_used_step=row.last_used_step)
        if step is None:
            return None
        won = db.session.execute(
            update(TotpCredential)
            .where(
                TotpCredential.account_id == account.id,
                or_(TotpCredential.last_used_step.is_(None), TotpCredential.last_used_step < step),
            )
            .values(last_used_step=step)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.expire(row)
        return TOTP if won == 1 else None
    if rules.looks_like_recovery_code(code):
        won = db.session.execute(
            update(RecoveryCode)
            .where(
                RecoveryCode.account_id == account.id,
                RecoveryCode.code_hash == _recovery_digest(code),
                RecoveryCode.used_at.is_(None),
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        return RECOVERY if won >= 1 else None
    return None


def _replace_recovery_codes(account: Account, *, now: datetime, ip: str | None) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account.id))
    codes = [rules.new_recovery_code() for _ in range(rules.RECOVERY_CODE_COUNT)]
    db.session.add_all(
        RecoveryCode(account_id=account.id, code_hash=_recovery_digest(c), created_at=now)
        for c in codes
    )
    audit.record(
        "2fa.recovery_codes_generated",
        actor_id=account.id,
        target_type="account",
        target_id=account.id,
        ip=ip,
        detail={"count": len(codes)},
    )
    return [rules.display_recovery_code(c) for c in codes]


def _recovery_digest(code: str) -> str:
    # Keyed with the app's secret: ten base-32 characters are too few to survive an
    # offline guess against a plain hash if the table ever leaked.
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()
