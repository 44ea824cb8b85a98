"""The signed opinion as a document to keep: built from the records, rendered as PDF or page.

``read_document`` checks that the reader is the patient or the specialist, records the
read (``opinion.viewed``, as every read of an opinion is) and takes the signature and the
addenda as they were signed; ``opinion_pdf`` and ``opinion_html`` render it. The fixed
text is in the patient's language where a translation exists (the routes render inside
``languages.speaking(patient)``); the specialist's own words stay as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telesecond.domain import licensure
from telesecond.domain.opinion_document import (
    Addendum,
    Answer,
    Licence,
    OpinionDocument,
    Signature,
)
from telesecond.extensions import db
from telesecond.models import Account, Consultation, Opinion, SpecialistProfile
from telesecond.services import languages
from telesecond.services.errors import NotFound
from telesecond.services.opinions import second_opinion
from telesecond.services.rendering import opinion as rendering


def reference_of(consultation: Consultation) -> str:
    """The reference printed on the document (no health information in it)."""
    return f"C{consultation.id:06d}"


def _zone_name(name: str | None) -> str:
    try:
        ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name or "UTC"


def licences_at(specialist_id: int, at: datetime) -> tuple[Licence, ...]:
    """The specialist's verified licences still current at ``at``, by region."""
    profile = db.session.get(SpecialistProfile, specialist_id)
    rows = profile.licences if profile is not None else []
    return tuple(
        Licence(region=row.region, number=row.number, issuer=row.issuer, expires_on=row.expires_on)
        for row in sorted(rows, key=lambda r: (r.region, r.expires_on))
        if licensure.is_current(row.expires_on, at)
    )


def build(
    consultation: Consultation,
    opinion: Opinion,
    *,
    signer: Account,
    signed_at: datetime,
    digest: str,
    addenda: Sequence[Addendum] = (),
    language: str = "en",
    zone: str | None = None,
    patient_birth_date: date | None = None,
) -> OpinionDocument:
    """The document of a signed opinion, its times shown in ``zone`` (the patient's by default).

    Licences are those verified and current when the opinion was signed.
    """
    return OpinionDocument(
        language=language,
        zone=_zone_name(zone or consultation.patient.timezone),
        reference=reference_of(consultation),
        patient_name=consultation.patient.full_name,
        patient_birth_date=patient_birth_date,
        specialist_name=consultation.specialist.full_name,
        licences=licences_at(consultation.specialist_id, signed_at),
        consultation_start=consultation.start,
        current_diagnosis=consultation.current_diagnosis,
        proposed_treatment=consultation.proposed_treatment,
        assessment=opinion.diagnosis_assessment,
        summary=opinion.summary,
        answers=tuple(
            Answer(question=pair["question"], answer=pair["answer"])
            for pair in opinion.answers or []
        ),
        recommendations=opinion.recommendations or "",
        addenda=tuple(addenda),
        signature=Signature(signer=signer.full_name, signed_at=signed_at, digest=digest),
    )


def read_document(
    actor: Account,
    consultation_id: int,
    *,
    zone: str | None = None,
    patient_birth_date: date | None = None,
    ip: str | None,
) -> OpinionDocument:
    """The signed opinion's document for its patient or specialist; the read is audited.

    Times are shown in ``zone`` (pass the reader's), or the patient's zone.

    :raise NotFound: not a participant, or the opinion is not signed yet.
    """
    found = second_opinion.read(actor, consultation_id, ip)
    if found.opinion is None:  # the author's own draft is no document
        raise NotFound(second_opinion.NOT_YET)
    return document_of(
        found.consultation, found.opinion, zone=zone, patient_birth_date=patient_birth_date
    )


def document_of(
    consultation: Consultation,
    opinion: Opinion,
    *,
    zone: str | None = None,
    patient_birth_date: date | None = None,
) -> OpinionDocument:
    """The document of a signed opinion already read (and audited) by the caller, with its
    signature and addenda as signed, in the patient's language."""
    return build(
        consultation,
        opinion,
        signer=opinion.signed_by,
        signed_at=opinion.signed_at,
        digest=opinion.digest,
        addenda=[
            Addendum(row.text, row.signed_by.full_name, row.signed_at, row.digest)
            for row in second_opinion.addenda_of(consultation.id)
        ],
        language=languages.language_of(consultation.patient),
        zone=zone,
        patient_birth_date=patient_birth_date or consultation.patient_birth_date,
    )


def pdf_filename(doc: OpinionDocument) -> str:
    """The PDF's file name: the reference only, nothing about the case."""
    return f"second-opinion-{doc.reference}.pdf"


def opinion_pdf(doc: OpinionDocument) -> bytes:
    """The document as a tagged PDF (PDF/UA-1), its fixed text in the document's language;
    needs the app context."""
    with languages.in_language(doc.language):
        return rendering.pdf(doc)


def opinion_html(doc: OpinionDocument) -> str:
    """The document as an HTML page in the site's layout, its fixed text in the document's
    language; call it while serving a request."""
    with languages.in_language(doc.language):
        return rendering.page(doc)
