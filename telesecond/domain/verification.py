"""Whose email address counts as checked, and what an unchecked one may not do.

Pure: whether the address is verified and whether the service requires it
(``EMAIL_VERIFICATION_REQUIRED``) are arguments. Until the address is verified a patient
books nothing, and no reminder or opinion email goes to it.
"""

from __future__ import annotations

VERIFY_FIRST = (
    "Verify your email address first: open the link we emailed you, "
    "or ask for a new one on your account page."
)
UNVERIFIED_EMAIL = "email address not verified"


def must_verify_first(*, verified: bool, required: bool) -> bool:
    """Whether the account must verify its address before it books or gets email."""
    return required and not verified


def email_skip_reason(channel: str, *, verified: bool, required: bool) -> str | None:
    """Why a message on ``channel`` must not go to the account, or None."""
    if channel == "email" and must_verify_first(verified=verified, required=required):
        return UNVERIFIED_EMAIL
    return None
