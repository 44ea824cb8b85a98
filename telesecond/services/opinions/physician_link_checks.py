"""What the doctor must answer before a shared opinion opens, where the clinic asks for it.

``PHYSICIAN_LINK_CHECK``: ``none``; ``code``, a short code sent to the doctor in a second
email (so one intercepted email is not enough); ``birth_date``, the patient's date of
birth, which the doctor has in their own records. Wrong answers are audited, and after
``PHYSICIAN_LINK_MAX_TRIES`` of them the link is locked (withdrawn): the patient makes
a new one.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from telesecond.domain.tokens import digest
from telesecond.models import PhysicianLink
from telesecond.services.errors import Forbidden

CHECKS = ("none", "code", "birth_date")
# No 0/O, 1/I/L: the doctor may type it from a printout.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
PROMPTS = {
    "code": _l("Enter the access code from the second email we sent you."),
    "birth_date": _l("Enter the patient's date of birth."),
}


class CheckRequired(Forbidden):
    """The link is live, but the doctor has to answer its check first."""

    def __init__(self, link_id: int, kind: str, tries_left: int):
        super().__init__(str(PROMPTS[kind]))
        self.link_id = link_id
        self.kind = kind
        self.tries_left = tries_left


def new_code() -> str:
    """A random access code, shown as two groups of four: ``ABCD-EF23``."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def _normal_code(answer: str) -> str:
    return "".join(ch for ch in answer.upper() if ch.isalnum())[: 2 * CODE_LENGTH]


def code_hash(code: str) -> str:
    return digest(_normal_code(code))


def parse_birth_date(answer: str) -> date | None:
    """A date typed as YYYY-MM-DD (what a date field sends), or None."""
    try:
        return date.fromisoformat(answer.strip()[:10])
    except ValueError:
        return None


def answer_is_right(link: PhysicianLink, answer: str, birth_date: date | None) -> bool:
    """Whether ``answer`` passes the link's check."""
    if link.check_kind == "code":
        expected = link.check_code_hash or ""
        return bool(expected) and hmac.compare_digest(code_hash(answer), expected)
    if link.check_kind == "birth_date":
        given = parse_birth_date(answer)
        return birth_date is not None and given == birth_date
    return True


def locked(link: PhysicianLink, max_tries: int) -> bool:
    return link.failed_checks >= max_tries


def still_live(link: PhysicianLink | None, now: datetime) -> bool:
    return link is not None and link.revoked_at is None and link.expires_at > now
