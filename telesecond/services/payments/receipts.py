"""The itemised receipts of a consultation's payment and of each refund made on it, for an
insurer or an HSA/FSA plan: provider and licence, date of service, what was paid or given
back, and when.

Diagnosis codes appear only when the specialist added them (``diagnosis_codes.py``). The
receipt is in the patient's language where a translation exists: its fixed text, its
dates and its amounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from babel.numbers import format_percent
from flask import current_app
from flask_babel import gettext as _

from telesecond.domain.receipt_document import LineItem, MoneyEntry, Receipt
from telesecond.extensions import db
from telesecond.models import Account, Consultation, Payment, Refund
from telesecond.services import audit, languages
from telesecond.services.consultations import access
from telesecond.services.errors import NotFound
from telesecond.services.opinions.document import licences_at
from telesecond.services.payments.ledger import (
    RECEIPT_NUMBER,
    REFUND_RECEIPT_NUMBER,
    payment_of,
)
from telesecond.services.rendering import receipt as rendering

NO_RECEIPT = "There is no receipt: no payment has been received for this consultation."
NO_REFUND_RECEIPT = "There is no such refund, or it has not been made yet."
# Why a refund was made, as ``Refund.reason`` stores it when a rule decided it.
BY_CLINIC = "cancelled_by_clinic"
PAID_AFTER_RELEASE = "paid_after_release"


@dataclass(frozen=True)
class RefundReceipt(Receipt):
    """The receipt of one refund: the amount given back, when, why, and the payment's
    receipt it refers to (``refund_of``)."""

    refund_of: str = ""
    paid_on: datetime | None = None
    refunded_at: datetime | None = None
    reason: str = ""

    @property
    def total_refunded(self) -> int:
        return sum(e.amount for e in self.entries if e.kind == "refund")

    @property
    def title(self) -> str:
        return f"Refund receipt {self.number}"


def number_of(payment: Payment) -> str:
    """A payment's receipt number."""
    return RECEIPT_NUMBER.format(payment.id)


def refund_number_of(refund: Refund) -> str:
    """A refund's receipt number."""
    return REFUND_RECEIPT_NUMBER.format(refund.id)


def _description() -> str:
    return _("Second-opinion video consultation, with a written opinion")


def _share(fraction: Fraction) -> str:
    return format_percent(float(fraction), locale=languages.current_locale())


def reason_in_words(reason: str) -> str:
    """Why a refund was made, in plain words (in the language in force).

    A rule's own code (``half:24h``, ``full:signed``) is said as a sentence; an admin's
    reason is their own words.
    """
    if reason == BY_CLINIC:
        return _(
            "The specialist or the clinic cancelled the consultation: the fee is refunded in full."
        )
    if reason == PAID_AFTER_RELEASE:
        return _(
            "The payment arrived after the booked time had been released: it is refunded in full."
        )
    amount, colon, when = reason.partition(":")
    named = {"full": Fraction(1), "half": Fraction(1, 2), "none": Fraction(0)}
    share: Fraction | None = named.get(amount)
    if share is None and amount.endswith("%") and amount[:-1].replace(".", "", 1).isdigit():
        share = Fraction(amount[:-1]) / 100
    if colon and share is not None:
        if when == "signed":
            return _(
                "You cancelled after the written opinion was signed; under the clinic's "
                "refund rules %(share)s of the fee is refunded.",
                share=_share(share),
            )
        if when == "0h":
            return _(
                "You cancelled before the call started; under the clinic's refund rules "
                "%(share)s of the fee is refunded.",
                share=_share(share),
            )
        if when.endswith("h") and when[:-1].isdigit():
            return _(
                "You cancelled at least %(hours)s hours before the call; under the clinic's "
                "refund rules %(share)s of the fee is refunded.",
                hours=when[:-1],
                share=_share(share),
            )
    return _("Refunded by the clinic: %(reason)s", reason=reason)


def _facts(consultation: Consultation, payment: Payment, *, now: datetime) -> dict:
    """What every receipt of this consultation shows, its text in the patient's language."""
    patient = consultation.patient
    zone = ZoneInfo(patient.timezone or "UTC")
    licences = licences_at(consultation.specialist_id, consultation.start)
    # The licence for the place the patient was in, else the first verified one.
    licence = next((x for x in licences if x.region == consultation.patient_region), None)
    return {
        "issued_on": now.astimezone(zone).date(),
        "language": languages.language_of(patient),
        "zone": zone.key,
        "clinic_name": current_app.config["ORGANISATION_NAME"],
        "clinic_tax_id": current_app.config["CLINIC_TAX_ID"],
        "patient_name": patient.full_name,
        "provider_name": consultation.specialist.full_name,
        "provider_licence": licence or (licences[0] if licences else None),
        "service_date": consultation.start.astimezone(zone).date(),
        "currency": payment.currency.upper(),
        "diagnosis_codes": tuple(payment.diagnosis_codes or ()),
    }


def _paid_payment(actor: Account, consultation_id: int) -> tuple[Consultation, Payment]:
    consultation = access.get_for(actor, consultation_id)
    payment = payment_of(consultation.id)
    if payment is None or payment.paid_at is None:
        raise NotFound(NO_RECEIPT)
    return consultation, payment


def _viewed(actor: Account, consultation: Consultation, ip: str | None, **detail) -> None:
    audit.record(
        "receipt.viewed",
        actor_id=actor.id,
        target_type="consultation",
        target_id=consultation.id,
        ip=ip,
        detail=detail or None,
    )
    db.session.commit()


def receipt_for(actor: Account, consultation_id: int, *, now: datetime, ip: str | None) -> Receipt:
    """The receipt of the consultation's payment for its patient or specialist; audited.

    :raise NotFound: not a participant, or nothing was paid (yet).
    """
    consultation, payment = _paid_payment(actor, consultation_id)
    facts = _facts(consultation, payment, now=now)
    with languages.in_language(facts["language"]):
        description, card = _description(), _("card")
    entries = [MoneyEntry("payment", payment.amount_cents, payment.paid_at, card)]
    entries += [
        MoneyEntry("refund", refund.amount_cents, refund.updated_at, card)
        for refund in payment.refunds
        if refund.status == "succeeded"
    ]
    doc = Receipt(
        number=number_of(payment),
        description=description,
        items=(LineItem(description, payment.amount_cents),),
        entries=tuple(entries),
        **facts,
    )
    _viewed(actor, consultation, ip)
    return doc


def refund_receipt_for(
    actor: Account, consultation_id: int, refund_id: int, *, now: datetime, ip: str | None
) -> RefundReceipt:
    """The receipt of one refund made on the consultation's payment; audited.

    :raise NotFound: not a participant, no such refund on this consultation, or the
        refund has not gone through (yet).
    """
    consultation, payment = _paid_payment(actor, consultation_id)
    refund = db.session.get(Refund, refund_id)
    if refund is None or refund.payment_id != payment.id or refund.status != "succeeded":
        raise NotFound(NO_REFUND_RECEIPT)
    facts = _facts(consultation, payment, now=now)
    with languages.in_language(facts["language"]):
        service = _description()
        item = _("Refund: %(service)s", service=service)
        reason = reason_in_words(refund.reason)
        card = _("card")
    doc = RefundReceipt(
        number=refund_number_of(refund),
        description=service,
        items=(LineItem(item, refund.amount_cents),),
        entries=(MoneyEntry("refund", refund.amount_cents, refund.updated_at, card),),
        refund_of=number_of(payment),
        paid_on=payment.paid_at,
        refunded_at=refund.updated_at,
        reason=reason,
        **facts,
    )
    _viewed(actor, consultation, ip, refund_id=refund.id)
    return doc


def filename(doc: Receipt) -> str:
    """The PDF's file name: the receipt's number only."""
    return f"receipt-{doc.number}.pdf"


def receipt_pdf(doc: Receipt) -> bytes:
    """The receipt as a tagged PDF in its language (needs the app context)."""
    with languages.in_language(doc.language):
        return rendering.receipt_pdf(doc)


def receipt_html(doc: Receipt) -> str:
    """The receipt as a page in the site's layout (while serving a request)."""
    with languages.in_language(doc.language):
        return rendering.receipt_html(doc)
