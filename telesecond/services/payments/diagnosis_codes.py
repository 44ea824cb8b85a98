"""The diagnosis codes a specialist puts on a consultation's receipt, if they choose to.

Insurers and HSA/FSA plans may ask for ICD-10 codes; many patients would rather not have
a diagnosis on paper, so the receipt has none until the specialist adds them. The codes
are health information: the audit log keeps only how many there are, and they appear in
no log line, no email subject and no SMS.
"""

from __future__ import annotations

import re
from datetime import datetime

from flask_babel import gettext as _

from telesecond.extensions import db
from telesecond.models import Account, Consultation
from telesecond.services import audit
from telesecond.services.consultations import access
from telesecond.services.errors import Conflict, Forbidden, Invalid
from telesecond.services.payments.ledger import payment_of

FIELD = "diagnosis_codes"
MAX_CODES = 12  # as many as a claim form holds
MAX_TEXT = 300
# ICD-10 (and ICD-10-CM): a letter, a digit, a digit or letter, then optionally a dot and
# up to four digits or letters (C50.911, E11.9, S52.521A, U07.1).
_CODE = re.compile(r"([A-Z][0-9][0-9A-Z])\.?([0-9A-Z]{1,4})?")
_SEPARATORS = re.compile(r"[\s,;]+")


def parse(text: str | None) -> tuple[str, ...]:
    """The codes in ``text`` (commas, semicolons or spaces between), upper-case, dotted,
    each once; Invalid naming the first that is not an ICD-10 code."""
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise Invalid.field(FIELD, _("Use at most %(n)s characters.", n=MAX_TEXT))
    codes: list[str] = []
    for word in _SEPARATORS.split(text.upper()):
        if not word:
            continue
        match = _CODE.fullmatch(word)
        if match is None or (not match[2] and len(word) > 3):
            raise Invalid.field(
                FIELD,
                _(
                    "“%(code)s” is not an ICD-10 code. Write codes like C50.911 or E11.9: "
                    "a letter, two digits, then a dot and up to four more characters; "
                    "separate codes with commas.",
                    code=word[:20],
                ),
            )
        code = f"{match[1]}.{match[2]}" if match[2] else match[1]
        if code not in codes:
            codes.append(code)
    if len(codes) > MAX_CODES:
        raise Invalid.field(FIELD, _("Give at most %(n)s codes.", n=MAX_CODES))
    return tuple(codes)


def codes_on_receipt(consultation_id: int) -> tuple[str, ...]:
    """The codes the consultation's receipt shows (none unless the specialist added some)."""
    payment = payment_of(consultation_id)
    return tuple(payment.diagnosis_codes or ()) if payment is not None else ()


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
