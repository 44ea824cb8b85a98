"""The case's timeline, built from what happened: one source per kind of entry.

Each source reads one kind of event and returns entries; the timeline is their union in
time order. A new kind is one more function in ``SOURCES``.
Entries carry instants (UTC); the page shows them in the viewer's zone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import (
    Consultation,
    Document,
    FollowUpQuestion,
    OpinionAddendum,
    PhysicianLink,
)
from telesecond.services.opinions.turnaround import OWED_STATUSES, delivered_at, due_of

DOCUMENT_LABELS = {
    "pathology": _l("pathology report"),
    "imaging_report": _l("imaging"),
    "lab_results": _l("laboratory results"),
    "clinical_notes": _l("clinical notes"),
    "other": _l("other record"),
}


@dataclass(frozen=True)
class Entry:
    """One line of the timeline; ``upcoming`` when it has not happened yet."""

    kind: str
    at: datetime
    label: str
    note: str = ""
    upcoming: bool = False


@dataclass(frozen=True)
class Context:
    consultation: Consultation
    now: datetime
    for_patient: bool


Source = Callable[[Context], list[Entry]]


def _booked(ctx: Context) -> list[Entry]:
    c = ctx.consultation
    at = next((e.at for e in c.events if e.kind == "booked"), c.created_at)
    return [Entry("booked", at, _("Booked"))]


def _records(ctx: Context) -> list[Entry]:
    documents = db.session.scalars(
        select(Document)
        .where(Document.consultation_id == ctx.consultation.id)
        .order_by(Document.created_at, Document.id)
    )
    return [
        Entry(
            "records",
            d.created_at,
            _("Records received: %(kind)s", kind=str(DOCUMENT_LABELS.get(d.kind, d.kind))),
        )
        for d in documents
    ]


def _held(ctx: Context) -> list[Entry]:
    c = ctx.consultation
    if c.status == "cancelled":
        return [Entry("cancelled", c.cancelled_at or c.updated_at, _("Consultation cancelled"))]
    if c.status == "no_show":
        return [Entry("held", c.start, _("Consultation not attended"))]
    if c.end > ctx.now:
        return [Entry("held", c.start, _("Consultation"), _("Scheduled"), upcoming=True)]
    return [Entry("held", c.start, _("Consultation held"))]


def _opinion(ctx: Context) -> list[Entry]:
    c = ctx.consultation
    delivered = delivered_at(c)
    if delivered is not None:
        return [Entry("delivered", delivered, _("Written opinion delivered"))]
    if c.status not in OWED_STATUSES:
        return []
    due = due_of(c)
    return [
        Entry("due", due.by, _("Written opinion due"), _("Not yet written; due by"), upcoming=True)
    ]


def _doctor(ctx: Context) -> list[Entry]:
    links = db.session.scalars(
        select(PhysicianLink)
        .where(PhysicianLink.consultation_id == ctx.consultation.id)
        .order_by(PhysicianLink.created_at, PhysicianLink.id)
    )
    entries = []
    for link in links:
        if link.physician_email:
            sent = (
                _("Sent to your doctor") if ctx.for_patient else _("Sent to the patient's doctor")
            )
        else:
            sent = (
                _("Link made for your doctor")
                if ctx.for_patient
                else _("Link made for the patient's doctor")
            )
        entries.append(Entry("sent", link.created_at, sent))
        if link.first_opened_at is not None:
            opened = (
                _("Opened by your doctor")
                if ctx.for_patient
                else _("Opened by the patient's doctor")
            )
            entries.append(Entry("opened", link.first_opened_at, opened))
        if link.revoked_at is not None:
            entries.append(Entry("withdrawn", link.revoked_at, _("Link withdrawn")))
    return entries


# One line per kind of entry. Follow-ups join here once they have a model.
def _follow_ups(ctx: Context) -> list[Entry]:
    """Each follow-up question asked (its text stays on the opinion's page), and each
    addendum, which may answer some of them."""
    cid = ctx.consultation.id
    entries = [
        Entry("follow_up", q.asked_at, _("Follow-up question asked"))
        for q in db.session.scalars(
            select(FollowUpQuestion)
            .where(FollowUpQuestion.consultation_id == cid)
            .order_by(FollowUpQuestion.asked_at, FollowUpQuestion.id)
        )
    ]
    entries += [
        Entry("addendum", a.signed_at, _("Addendum %(number)s signed", number=a.number))
        for a in db.session.scalars(
            select(OpinionAddendum)
            .where(OpinionAddendum.consultation_id == cid)
            .order_by(OpinionAddendum.number)
        )
    ]
    return entries


SOURCES: tuple[Source, ...] = (_booked, _records, _held, _opinion, _doctor, _follow_ups)


def timeline_for(consultation: Consultation, *, now: datetime, for_patient: bool) -> list[Entry]:
    """The consultation's timeline, oldest first (upcoming entries at their due time)."""
    ctx = Context(consultation, now, for_patient)
    entries = [entry for source in SOURCES for entry in source(ctx)]
    return sorted(entries, key=lambda e: e.at)
