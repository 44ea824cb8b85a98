"""Pure rules of the second factor: reading codes people type, and which TOTP step fits.

- A code is read without spaces and hyphens, case-insensitively ("123 456", "abcde-fghij").
- A TOTP code is six digits; it fits the time step it was made for, and a clock that is
  one step (30 s) early or late is forgiven.
- A step at or before the last accepted one is never accepted again (no replay), so a
  code seen over someone's shoulder is worthless once used.
- Recovery codes are ten random base-32 characters shown as two groups of five.
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import datetime

import pyotp

TOTP_DIGITS = 6
TOTP_PERIOD_SECONDS = 30
TOTP_DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 10
# Longest input worth reading: anything longer is not a code of ours.
MAX_CODE_INPUT = 64

_SEPARATORS = re.compile(r"[\s\-]+")
_TOTP_SHAPE = re.compile(r"^[0-9]{6}$")
_RECOVERY_SHAPE = re.compile(r"^[a-z2-7]{10}$")
_RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def normalize_code(raw: str | None) -> str:
    """The code as typed, without spaces or hyphens, in lower case ('' for nothing usable)."""
    if not raw or len(raw) > MAX_CODE_INPUT:
        return ""
    return _SEPARATORS.sub("", raw).lower()


def looks_like_totp(code: str) -> bool:
    """Whether a normalised code has the shape of an authenticator code (six digits)."""
    return bool(_TOTP_SHAPE.match(code))


def looks_like_recovery_code(code: str) -> bool:
    """Whether a normalised code has the shape of a recovery code."""
    return bool(_RECOVERY_SHAPE.match(code))


def time_step(at: datetime) -> int:
    """The TOTP time step an instant falls in."""
    return int(at.timestamp()) // TOTP_PERIOD_SECONDS


def candidate_steps(at: datetime, last_used_step: int | None) -> list[int]:
    """The steps a code typed at ``at`` may belong to, nearest first, replays left out."""
    now_step = time_step(at)
    offsets = sorted(range(-TOTP_DRIFT_STEPS, TOTP_DRIFT_STEPS + 1), key=abs)
    steps = [now_step + offset for offset in offsets]
    return [s for s in steps if last_used_step is None or s > last_used_step]


def matching_step(
    secret: str, code: str, *, at: datetime, last_used_step: int | None
) -> int | None:
    """The step whose code ``code`` is, within the drift and not replayed; else None."""
    if not looks_like_totp(code):
        return None
    totp = pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_PERIOD_SECONDS)
    for step in candidate_steps(at, last_used_step):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_totp_secret() -> str:
    """A fresh shared secret (160 bits, base 32), as authenticator apps expect."""
    return pyotp.random_base32(32)


def new_recovery_code() -> str:
    """A fresh recovery code, in its normalised form."""
    return "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))


def display_recovery_code(code: str) -> str:
    """A recovery code as shown to a person: two groups of five."""
    return f"{code[:5]}-{code[5:]}"


def group_secret(secret: str) -> str:
    """A TOTP secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
