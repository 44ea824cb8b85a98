"""The itemised receipt of a consultation's payment, and its refunds, for an insurer or an
HSA/FSA plan: provider and licence, date of service, what was paid and given back.

No diagnosis on it: telesecond stores no diagnosis codes, and a receipt does not need the
case. The fixed text is in the patient's language where a translation exists.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app

from telesecond.domain.receipt_document import LineItem, MoneyEntry, Receipt
from telesecond.extensions import db
from telesecond.models import Account
from telesecond.services import audit, languages
from telesecond.services.consultations import access
from telesecond.services.errors import NotFound
from telesecond.services.opinions.document import licences_at
from telesecond.services.payments.ledger import payment_of
from telesecond.services.rendering import receipt as rendering

DESCRIPTION = "Second-opinion video consultation, with a written opinion"
NO_RECEIPT = "There is no receipt: no payment has been received for this consultation."


def receipt_for(actor: Account, consultation_id: int, *, now: datetime, ip: str | None) -> Receipt:
    """The receipt of the consultation's payment for its patient or specialist; audited.

    :raise NotFound: not a participant, or nothing was paid (yet).
    """
    consultation = access.get_for(actor, consultation_id)
    payment = payment_of(consultation.id)
    if payment is None or payment.paid_at is None:
        raise NotFound(NO_RECEIPT)
    patient = consultation.patient
    zone = ZoneInfo(patient.timezone or "UTC")
    licences = licences_at(consultation.specialist_id, consultation.start)
    # The licence for the place the patient was in, else the first verified one.
    licence = next((x for x in licences if x.region == consultation.patient_region), None)
    entries = [MoneyEntry("payment", payment.amount_cents, payment.paid_at, "card")]
    entries += [
        MoneyEntry("refund", refund.amount_cents, refund.updated_at, "card")
        for refund in payment.refunds
        if refund.status == "succeeded"
    ]
    audit.record(
        "receipt.viewed",
        actor_id=actor.id,
        target_type="consultation",
        target_id=consultation.id,
        ip=ip,
    )
    db.session.commit()
    return Receipt(
        number=f"R{payment.id:06d}",
        issued_on=now.astimezone(zone).date(),
        language=languages.language_of(patient),
        zone=zone.key,
        clinic_name=current_app.config["ORGANISATION_NAME"],
        clinic_tax_id=current_app.config["CLINIC_TAX_ID"],
        patient_name=patient.full_name,
        provider_name=consultation.specialist.full_name,
        provider_licence=licence or (licences[0] if licences else None),
        service_date=consultation.start.astimezone(zone).date(),
        description=DESCRIPTION,
        currency=payment.currency.upper(),
        items=(LineItem(DESCRIPTION, payment.amount_cents),),
        entries=tuple(entries),
    )


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
