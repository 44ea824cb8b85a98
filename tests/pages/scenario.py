"""The crawl's world: one specialist, a patient with a consultation in every state, an admin.

Seeded once per module through the services (as the factories do), so that every page the
app serves has something real to show: records, a guest, a signed opinion with a live link
for the patient's doctor, a draft, a cancellation, a paid booking with its receipt.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from telesecond.domain.tokens import digest
from telesecond.extensions import db
from telesecond.models import Account, ApiToken, Consultation, Payment, Refund
from telesecond.models.video import VideoGuest
from telesecond.services.accounts import email_links, passwords, second_factor, verification
from telesecond.services.accounts.credentials import hash_password
from telesecond.services.admin import seeding
from telesecond.services.consultations import booking, documents
from telesecond.services.fees import assistance
from telesecond.services.opinions import physician_links, second_opinion
from telesecond.services.payments import refunds
from telesecond.services.scheduling import specialists
from telesecond.services.video import guests
from tests.accounts.two_factor_steps import enrol_totp
from tests.credentials import PASSWORD
from tests.factories import PROFILE, intake
from tests.file_samples import MINIMAL_PDF, tiny_png
from tests.opinions.scenario import BODY, INTAKE, write_signed
from tests.payments.test_checkout import book as book_paid
from tests.payments.test_checkout import webhook

# The clock starts on Monday 2026-03-02 at 09:00 UTC (10:00 in Berlin) and, once the
# day's two calls are over, stands at 15:00 UTC while the pages are read.
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MON_10 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
MON_11 = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
MON_14 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # on Twilio Video, the call page open
MON_15 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # under way while the pages are read
TUE_09 = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
WED_09 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
THU_10 = "2026-03-05T10:00:00Z"  # paid
THU_13 = "2026-03-05T13:00:00Z"  # booked, awaiting payment
# Free times the booking forms hold: in English, with payments on, in Spanish.
FRI_13, FRI_14, FRI_15 = "2026-03-06T13:00:00Z", "2026-03-06T14:00:00Z", "2026-03-06T15:00:00Z"
GUEST_TOKEN = "guest-link-for-the-page-crawl-0123456789"
CALL_GUEST_TOKEN = "guest-link-to-the-twilio-call-0123456789"


@dataclass(frozen=True)
class Scenario:
    """The ids and link secrets the page list fills its URLs from."""

    emails: dict[str, str]  # role -> who signs in as it
    patient_id: int
    specialist_id: int
    pending_id: int  # a specialist whose claims an admin has not checked yet
    signed: int  # today's finished call, its opinion signed and shared
    draft: int  # finished, the opinion drafted
    upcoming: int  # tomorrow, with records and a guest
    now_on: int  # under way: the call can be joined
    on_call: int  # under way, on Twilio Video (the video app): the app's own call page
    cancelled: int
    paid: int  # booked through Stripe (the paid app), with a receipt
    awaiting_payment: int  # booked through Stripe, not paid yet
    payment: int
    refund: int  # part of the paid booking given back, with its own receipt
    shared_path: str  # the doctor's link, as a path
    checked_path: str  # a link that first asks the doctor for the code sent to them
    reset_token: str
    verify_token: str
    free_slot: str
    paid_slot: str
    spanish_slot: str
    taken_slot: str


def _account(role: str, email: str, name: str, now: datetime, **fields) -> Account:
    account = Account(
        email=email,
        full_name=name,
        timezone="Europe/Berlin",
        notify_by="email",
        created_at=now,
        password_hash=hash_password(PASSWORD),
        role=role,
        email_verified_at=now,
        **fields,
    )
    db.session.add(account)
    db.session.commit()
    return account


def _specialist(now: datetime) -> Account:
    person = _account("specialist", "ada@clinic.example", "Dr Ada Vance", now)
    specialists.update_profile(person, **PROFILE, now=now)
    verifier = seeding.ensure_admin("verifier@clinic.example", password=PASSWORD, now=now)
    seeding.verify_claims([person.id], verifier=verifier, now=now)
    # Another, just signed up: their claims wait for an admin.
    pending = _account("specialist", "pia@clinic.example", "Dr Pia Pending", now)
    specialists.update_profile(pending, **PROFILE, now=now)
    specialists.set_availability(
        person,
        specialists.AvailabilityInput(
            timezone="Europe/Berlin",
            weekly=[(d, 9 * 60, 17 * 60) for d in range(5)],
            consultation_minutes=60,
            buffer_minutes=0,
            min_notice_minutes=0,
            horizon_days=60,
        ),
        now=now,
    )
    db.session.commit()
    return person


def _upload(patient: Account, consultation_id: int, now: datetime) -> None:
    documents.upload(
        patient, consultation_id, filename="biopsy.pdf", kind="pathology", data=MINIMAL_PDF, now=now
    )
    documents.upload(
        patient,
        consultation_id,
        filename="scan.png",
        kind="imaging_report",
        data=tiny_png(),
        now=now,
    )


def _bearer(account_id: int, now: datetime) -> dict[str, str]:
    raw = f"page-crawl-{account_id}-{os.urandom(4).hex()}"
    db.session.add(
        ApiToken(
            account_id=account_id,
            token_hash=digest(raw),
            created_at=now,
            expires_at=now + timedelta(days=30),
        )
    )
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def _book_paid(pay_app, fake_stripe, ids: dict, start: str, now: datetime, *, pay: bool) -> int:
    """Book (and pay) through the payments app and the fake Stripe, as a patient would."""
    client = pay_app.test_client()
    headers = _bearer(ids["petra"], now)
    answer = book_paid(client, headers, ids["ada"], start)
    assert answer.status_code == 201, answer.json
    if pay:
        session_id = list(fake_stripe.sessions)[-1]
        assert webhook(client, *fake_stripe.pay(session_id)).json["outcome"] == "confirmed"
    return answer.json["id"]


def _guest(patient: Account, consultation_id: int, name: str, token: str, now) -> None:
    invitation = guests.invite(
        patient, consultation_id, name=name, email="guest@example.org", now=now
    )
    # The raw link went out by email only; give the guest a link the crawl knows.
    db.session.get(VideoGuest, invitation.guest.id).token_hash = digest(token)
    db.session.commit()


def seed(main_app, pay_app, video_app, fake_stripe, clock) -> Scenario:
    """Fill the (empty) database; the clock ends at Monday 15:00 UTC."""
    with main_app.app_context():
        now = clock()
        admin = _account("admin", "alex@clinic.example", "Alex Admin", now)
        ada = _specialist(now)
        petra = _account("patient", "petra@example.org", "Petra Paulsen", now)
        second_factor.start_totp(petra, now=now)  # her authenticator's page, half-way
        two_step = _account("patient", "tom@example.org", "Tom Twostep", now)
        enrol_totp(two_step, clock)
        unverified = _account("patient", "una@example.org", "Una Unverified", now)
        unverified.email_verified_at = None

        opinion_intake = intake(**INTAKE)
        signed = booking.book(petra, ada.id, MON_10, opinion_intake, now=clock())
        draft = booking.book(petra, ada.id, MON_11, opinion_intake, now=clock())
        upcoming = booking.book(petra, ada.id, TUE_09, intake(), now=clock())
        cancelled = booking.book(petra, ada.id, WED_09, intake(), now=clock())
        now_on = booking.book(petra, ada.id, MON_15, intake(), now=clock())
        booking.cancel(petra, cancelled.id, reason="", now=clock(), cutoff_hours=0)
        _upload(petra, upcoming.id, clock())
        _upload(petra, signed.id, clock())
        _guest(petra, upcoming.id, "Gerd Guest", GUEST_TOKEN, clock())
        assistance.ask(
            petra,
            assistance.Ask(kind="waiver", reason="I am between jobs.", specialist_id=ada.id),
            now=clock(),
            ip=None,
        )
        db.session.commit()
        ids = {name: a.id for name, a in [("petra", petra), ("ada", ada), ("admin", admin)]}
        ids |= {"two_step": two_step.id, "unverified": unverified.id}
        ids |= {"signed": signed.id, "draft": draft.id, "upcoming": upcoming.id}
        ids |= {"cancelled": cancelled.id, "now_on": now_on.id}

    with video_app.app_context():
        petra = db.session.get(Account, ids["petra"])
        on_call = booking.book(petra, ids["ada"], MON_14, intake(), now=clock())
        _guest(petra, on_call.id, "Carla Caller", CALL_GUEST_TOKEN, clock())
        ids["on_call"] = on_call.id

    with pay_app.app_context():
        paid = _book_paid(pay_app, fake_stripe, ids, THU_10, clock(), pay=True)
        payment = db.session.scalar(select(Payment.id).where(Payment.consultation_id == paid))
        # A goodwill refund of part of it, so the refund's own receipt can be read.
        admin = db.session.get(Account, ids["admin"])
        refunds.refund_by_hand(admin, payment, 5000, "Goodwill", now=clock())
        refunds.send_pending(now=clock(), consultation_id=paid)
        refund = db.session.scalar(select(Refund.id).where(Refund.payment_id == payment))

    clock.advance(hours=6)  # Monday 15:00 UTC: two of the day's calls are over, one begins
    with pay_app.app_context():
        awaiting = _book_paid(pay_app, fake_stripe, ids, THU_13, clock(), pay=False)
    with video_app.app_context():  # its links ask for a code (PHYSICIAN_LINK_CHECK)
        write_signed(db.session.get(Consultation, ids["on_call"]), now=clock())
        checked = physician_links.create(
            db.session.get(Account, ids["petra"]),
            ids["on_call"],
            physician_email="gp@praxis.example",
            now=clock(),
        )
    with main_app.app_context():
        now = clock()
        petra, ada = db.session.get(Account, ids["petra"]), db.session.get(Account, ids["ada"])
        write_signed(db.session.get(Consultation, ids["signed"]), now=now)
        second_opinion.save_draft(ada, ids["draft"], ip=None, **BODY, now=now)
        shared = physician_links.create(petra, ids["signed"], physician_email=None, now=now)
        reset_token = email_links.issue(
            petra, passwords.PURPOSE, now=now, lifetime=passwords.lifetime()
        )
        unverified = db.session.get(Account, ids["unverified"])
        verify_token = email_links.issue(
            unverified, verification.PURPOSE, now=now, lifetime=verification.lifetime()
        )
        db.session.commit()
        scenario = Scenario(
            emails={
                "patient": petra.email,
                "specialist": ada.email,
                "admin": db.session.get(Account, ids["admin"]).email,
                "two-step": db.session.get(Account, ids["two_step"]).email,
                "unverified": unverified.email,
            },
            patient_id=petra.id,
            specialist_id=ada.id,
            pending_id=db.session.scalar(
                select(Account.id).where(Account.email == "pia@clinic.example")
            ),
            signed=ids["signed"],
            draft=ids["draft"],
            upcoming=ids["upcoming"],
            cancelled=ids["cancelled"],
            now_on=ids["now_on"],
            on_call=ids["on_call"],
            awaiting_payment=awaiting,
            paid=paid,
            refund=refund,
            payment=payment,
            shared_path=urlsplit(shared.url).path,
            checked_path=urlsplit(checked.url).path,
            reset_token=reset_token,
            verify_token=verify_token,
            free_slot=FRI_13,
            paid_slot=FRI_14,
            spanish_slot=FRI_15,
            taken_slot=TUE_09.strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        db.session.remove()
    return scenario
