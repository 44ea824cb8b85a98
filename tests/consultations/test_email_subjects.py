"""Every email subject of a whole journey is neutral: no names, no specialty, no diagnosis.

Subjects show in inbox lists, lock screens and notifications, to whoever looks. The
journey: booking (invites, reminders), a move, a cancellation, a second booking with the
specialist's written opinion sent on to the patient's doctor, a guest invitation, the
reminders and agenda of the day.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from telesecond.adapters import registry
from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.models import Account
from telesecond.services.consultations import booking
from telesecond.services.opinions import physician_links, second_opinion, signing
from telesecond.services.reminders.dispatch import dispatch_due_reminders
from telesecond.services.video import guests
from tests.credentials import PASSWORD
from tests.factories import intake

FIRST = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # Wednesday, 11:00 in Berlin
MOVED = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
SECOND = datetime(2026, 3, 6, 13, 0, tzinfo=UTC)

FORBIDDEN = [
    # the patient, the specialist, the patient's doctor, the guest
    "Petra",
    "Paulsen",
    "Ada",
    "Vance",
    "Treating",
    "Gerd",
    # the specialty, the condition, the intake
    "Oncolog",
    "cancer",
    "carcinoma",
    "ductal",
    "Mastectomy",
    "chemotherapy",
    "surgery",
    "lumpectomy",
    "Dr ",
]


@pytest.fixture
def app(make_app, clock, smtp_server):
    """The app, sending its mail to the SMTP server on loopback."""
    app = make_app(CLOCK=clock, **smtp_server.app_config())
    with app.app_context():
        yield app


def _dispatch() -> None:
    dispatch_due_reminders(clock=utcnow)


def test_no_subject_of_the_whole_journey_names_anyone_or_anything_clinical(
    app, clock, make_account, make_specialist, smtp_server
):
    doctor = make_specialist(full_name="Ada Vance", email="ada@clinic.example")
    patient = make_account(full_name="Petra Paulsen", email="petra@example.org")

    first = booking.book(patient, doctor.id, FIRST, intake(), now=clock())
    _dispatch()
    booking.reschedule(patient, first.id, MOVED, now=clock(), cutoff_hours=0)
    _dispatch()
    booking.cancel(patient, first.id, reason="", now=clock(), cutoff_hours=0)
    _dispatch()

    patient = db.session.get(Account, patient.id)
    second = booking.book(patient, doctor.id, SECOND, intake(), now=clock())
    _dispatch()
    second_opinion.save_draft(
        db.session.get(Account, doctor.id),
        second.id,
        diagnosis_assessment="refines",
        summary="Breast-conserving surgery is possible.",
        answers=["Yes.", "Probably."],
        recommendations="Lumpectomy with radiotherapy.",
        ip=None,
        now=clock(),
    )
    app.config["OPINION_BEFORE_CALL"] = True  # a review of the records before the call
    signing.sign(
        db.session.get(Account, doctor.id),
        second.id,
        password=PASSWORD,
        otp=None,
        ip=None,
        now=clock(),
    )
    physician_links.send_to_physician(
        db.session.get(Account, patient.id),
        second.id,
        mailer=registry.current().mail,
        mail_from=app.config["MAIL_FROM"],
        ip=None,
        now=clock(),
    )
    guests.invite(
        db.session.get(Account, patient.id),
        second.id,
        name="Gerd Guest",
        email="gerd@example.org",
        now=clock(),
    )
    for hours_before in (72, 24, 1):
        clock.now = max(clock(), SECOND - timedelta(hours=hours_before))
        _dispatch()
    clock.now = SECOND.replace(hour=6)  # the specialist's agenda of the day
    _dispatch()

    received = smtp_server.wait_for(12)
    subjects = [" ".join(str(m["Subject"]).split()) for m in received]
    kinds = {
        "Your telesecond consultation on",
        "Moved: your telesecond consultation",
        "Cancelled: your telesecond consultation",
        "Reminder: your telesecond consultation",
        "A second opinion has been shared with you",
        "Your written opinion is ready",
        "an invitation to join a video call",
        "Your agenda for",
    }
    for kind in kinds:
        assert any(kind in s for s in subjects), (kind, subjects)
    for subject in subjects:
        for word in FORBIDDEN:
            assert word.lower() not in subject.lower(), (word, subject)
