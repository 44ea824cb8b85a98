"""The diagnosis codes a specialist puts on a consultation's receipt, if they choose to.

Insurers and HSA/FSA plans may ask for ICD-10 codes; many patients would rather not have
a diagnosis on paper, so the receipt has none until the specialist adds them. The codes
are health information: the audit log keeps only how many there are, and they appear in
no log line, no email subject and no SMS.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from telesecond.domain import diagnosis_codes as rules
from telesecond.extensions import db
from telesecond.models import Account, Consultation
from telesecond.services import audit
from telesecond.services.consultations import access
from telesecond.services.errors import Conflict, Forbidden, Invalid
from telesecond.services.payments.ledger import payment_of

FIELD = "diagnosis_codes"


def parse(text: str | None) -> tuple[str, ...]:
    """The codes in ``text`` (``domain/diagnosis_codes.py``); Invalid says, in the
    reader's language, which one is not in ICD-10 form."""
    try:
        return rules.parse(text)
    except rules.NotACode as error:
        raise Invalid.field(
            FIELD,
            _(
                "“%(code)s” is not an ICD-10 code. Write codes like C50.911 or E11.9 "
                "(a letter, two more characters, then a dot and up to four more), "
                "separated by commas.",
                code=error.word,
            ),
        ) from None
    except rules.TooMany as error:
        if error.what == "characters":
            message = _("Use at most %(n)s characters.", n=error.limit)
        else:
            message = _("Give at most %(n)s codes.", n=error.limit)
        raise Invalid.field(FIELD, message) from None


def editable(specialist: Account, consultation_id: int) -> Consultation:
    """The consultation whose receipt's codes ``specialist`` may set.

    :raise NotFound: not a participant; Forbidden: the patient.
    """
    consultation = access.get_for(specialist, consultation_id)
    if specialist.id != consultation.specialist_id:
        raise Forbidden(_("Only the consultation's specialist adds diagnosis codes."))
    return consultation


def set_codes(
    specialist: Account, consultation_id: int, text: str | None, *, now: datetime, ip: str | None
) -> tuple[str, ...]:
    """The consultation's specialist sets the receipt's codes (empty text removes them).

    :raise Invalid: a code is not in ICD-10 form; Forbidden: not the specialist;
        Conflict: nothing is paid through telesecond, so there is no receipt.
    """
    consultation = editable(specialist, consultation_id)
    codes = parse(text)
    payment = payment_of(consultation.id)
    if payment is None:
        raise Conflict(
            _("This consultation is not paid through telesecond, so it has no receipt here.")
        )
    before = tuple(payment.diagnosis_codes or ())
    if codes != before:
        payment.diagnosis_codes = list(codes) or None
        payment.updated_at = now
        audit.record(
            "receipt.diagnosis_codes_changed",
            actor_id=specialist.id,
            target_type="consultation",
            target_id=consultation.id,
            ip=ip,
            detail={"codes": len(codes), "before": len(before)},  # how many, never which
        )
    db.session.commit()
    return codes
