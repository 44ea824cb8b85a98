"""Only a patient whose email address is verified may hold a time or book."""

from __future__ import annotations

from flask import current_app

from telesecond.domain.verification import VERIFY_FIRST, must_verify_first
from telesecond.models import Account
from telesecond.services.errors import Forbidden


def verification_required() -> bool:
    """``EMAIL_VERIFICATION_REQUIRED`` (true unless development or testing turned it off)."""
    return bool(current_app.config.get("EMAIL_VERIFICATION_REQUIRED", True))


def needs_verification(account: Account) -> bool:
    """Whether the account must verify its address before booking."""
    return must_verify_first(verified=account.email_verified, required=verification_required())


def require_verified(patient: Account) -> None:
    """:raise Forbidden: the patient's address is not verified yet."""
    if needs_verification(patient):
        raise Forbidden(VERIFY_FIRST, extra={"email_verified": False})
