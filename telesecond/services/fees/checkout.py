"""Book a consultation at its price: the fee, less a sponsor code and approved assistance.

The code's use is counted (and committed) before the booking, so two patients cannot
both take its last use; a booking that then fails gives the use back. An approval of
assistance for "the next booking" with this specialist needs no write here: it goes with
the first consultation booked after the decision (``assistance.approved_for``).
What is left to pay goes to the payments checkout (``services/payments/checkout.py``),
which holds the slot until it is paid, or books at once when nothing is due or the
clinic bills outside telesecond.
"""

from __future__ import annotations

from datetime import datetime

from telesecond.domain.intake import Intake, check_intake
from telesecond.domain.pricing import Assistance, quote
from telesecond.extensions import db
from telesecond.models import Account
from telesecond.services.errors import Invalid, ServiceError
from telesecond.services.fees import assistance, sponsor_codes
from telesecond.services.payments import checkout as payments
from telesecond.services.payments.amounts import Money
from telesecond.services.scheduling.availability import get_profile


def book(
    patient: Account,
    specialist_id: int,
    start: datetime,
    intake: Intake,
    *,
    now: datetime,
    hold_id: int | None = None,
    ip: str | None = None,
    sponsor_code: str | None = None,
) -> payments.Booked:
    """Book as ``booking.book`` does, at the price after ``sponsor_code`` and assistance.

    The price is worked out only when it matters: a code is given, or the booking is paid
    here (``PAYMENTS_PROVIDER``); otherwise the clinic bills and booking costs no more.
    """
    sponsor = use = price = None
    code_given = bool(sponsor_code and sponsor_code.strip())
    if code_given or payments.payments_enabled():
        profile = get_profile(specialist_id)
        if code_given:
            try:
                code = sponsor_codes.usable(sponsor_code, currency=profile.currency, now=now)
            except Invalid as error:  # named together with the intake's own answers
                _, intake_errors = check_intake(intake)
                raise Invalid(
                    "Some fields need attention.", {**intake_errors, **error.errors}
                ) from None
            sponsor = sponsor_codes.sponsor_of(code)
            cover = quote(profile.fee_cents, profile.currency, sponsor=sponsor)
            use = sponsor_codes.take_use(code, patient, cover.covered_by("sponsor"), now=now)
        approved = assistance.approved_for(patient.id, specialist_id)
        due = quote(
            profile.fee_cents,
            profile.currency,
            Assistance(approved.approved_cents or 0) if approved else None,
            sponsor,
        )
        price = Money(due.amount_cents, due.currency.upper())
    try:
        booked = payments.book(
            patient,
            specialist_id,
            start,
            intake,
            now=now,
            hold_id=hold_id,
            ip=ip,
            price=price,
        )
    except ServiceError:
        if use is not None:
            sponsor_codes.give_back(use)
        raise
    if use is not None:
        use = db.session.merge(use)
        use.consultation_id = booked.consultation.id
        db.session.commit()
    return booked
