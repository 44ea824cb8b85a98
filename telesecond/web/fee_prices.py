"""The booking page's price card: the quote, with a sponsor code when one is applied."""

from __future__ import annotations

from flask_login import current_user

from telesecond.clock import utcnow
from telesecond.domain.pricing import money
from telesecond.models import SpecialistProfile
from telesecond.services.errors import Invalid
from telesecond.services.fees import quotes, terms
from telesecond.web.helpers import current_account

MAX_CODE_TEXT = 60


def booking_price(profile: SpecialistProfile, code_text: str | None) -> dict:
    """The booking page's price card: the quote (with the sponsor code when it can be used).

    A code that cannot be used is shown back with the reason, and the fee without it.
    """
    code = (code_text or "").strip()[:MAX_CODE_TEXT]
    patient = current_account() if current_user.is_authenticated else None
    error = None
    try:
        quote = quotes.for_booking(patient, profile, sponsor_code=code or None, now=utcnow())
    except Invalid as problem:
        error = (problem.errors.get("sponsor_code") or [problem.detail])[0]
        quote = quotes.for_booking(patient, profile, now=utcnow())
    return {
        "quote": quote,
        "terms": terms.current(),
        "sponsor_code": code,
        "sponsor_code_applied": code if code and error is None else "",
        "sponsor_code_error": error,
        "money": money,
    }
