"""A consultation as its calendar invite sees it: names, times, links; nothing clinical."""

from __future__ import annotations

from email.utils import parseaddr

from flask import current_app
from flask_babel import gettext as _

from telesecond.domain.invites import InviteTexts, InviteView, Person
from telesecond.models import Consultation
from telesecond.services import links


def organizer_email() -> str:
    """The bare address of ``MAIL_FROM``: emails come from it and invites name it."""
    return parseaddr(current_app.config["MAIL_FROM"])[1]


def invite_texts() -> InviteTexts:
    """The invite's words in the language in force (the recipient's, for an email)."""
    return InviteTexts(
        summary=_("Video consultation with {doctor}"),
        summary_for_specialist=_("Video consultation with {patient}"),
        cancelled=_("This video consultation has been cancelled."),
        bookings=_("Your bookings: {url}"),
        join=_("Join the video call: {url}"),
        manage=_("Manage the booking: {url}"),
        details=_("The details of the consultation are in your {organisation} account."),
        organizer=_("{doctor} via {organisation}"),
    )


def invite_view(
    consultation: Consultation, *, timezone: str | None = None, viewer_id: int | None = None
) -> InviteView:
    """The invite view of ``consultation``; ``timezone`` adds a TZID/VTIMEZONE for it.

    ``viewer_id`` is whose calendar it is for: the specialist's gets the patient's name as
    the title, anyone else's (the patient's, by default) the specialist's.
    """
    status = "cancelled" if consultation.status == "cancelled" else "confirmed"
    return InviteView(
        consultation_id=consultation.id,
        uid_host=links.host(),
        start=consultation.start,
        end=consultation.end,
        sequence=consultation.sequence,
        status=status,
        organizer_email=organizer_email(),
        specialist=Person(consultation.specialist.full_name, consultation.specialist.email),
        patient=Person(consultation.patient.full_name, consultation.patient.email),
        join_url=links.join_url(consultation.id),
        manage_url=links.consultation_url(consultation.id),
        timezone=timezone,
        texts=invite_texts(),
        viewer="specialist" if viewer_id == consultation.specialist_id else "patient",
    )
