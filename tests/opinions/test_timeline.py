"""The case timeline on the consultation page: one list, each time in the viewer's zone."""

from __future__ import annotations

import re

import pytest

from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.services.consultations import booking, documents
from telesecond.services.opinions import case_timeline, follow_ups, physician_links, signing
from tests.credentials import PASSWORD
from tests.file_samples import MINIMAL_PDF
from tests.opinions.scenario import write_signed

ENTRY = re.compile(
    r'<li class="timeline-entry[^"]*" data-kind="(\w+)">\s*<strong>([^<]+)</strong>:'
    r'(?: ([^<]+))?\s*<time datetime="([^"]+)">([^<]+)</time>'
)


@pytest.fixture
def app(make_app, clock, smtp_server):
    app = make_app(CLOCK=clock, **smtp_server.app_config())
    with app.app_context():
        yield app


def entries(page_text: str) -> list[tuple[str, str, str, str]]:
    """(kind, label, machine time, shown time) for each timeline line."""
    return [(k, label, at, shown) for k, label, _note, at, shown in ENTRY.findall(page_text)]


def test_the_whole_case_in_order_in_the_patients_zone(
    client, sign_in, consultation, clock, smtp_server
):
    consultation.patient.timezone = "Asia/Tokyo"
    db.session.commit()
    clock.advance(minutes=30)  # 09:30 UTC
    documents.upload(
        consultation.patient,
        consultation.id,
        filename="pathology.pdf",
        kind="pathology",
        data=MINIMAL_PDF,
        now=utcnow(),
    )
    sign_in(consultation.patient)
    before = entries(client.get(f"/consultations/{consultation.id}").text)
    assert [k for k, *_ in before] == ["booked", "records", "held", "due"]
    assert before[1] == (
        "records",
        "Records received: pathology report",
        "2026-03-02T09:30:00Z",
        "Mon 02 Mar 2026, 18:30 (Asia/Tokyo, JST)",
    )
    assert before[3][1:] == (
        "Written opinion due",
        "2026-03-09T23:00:00Z",
        "Tue 10 Mar 2026, 08:00 (Asia/Tokyo, JST)",
    )

    clock.advance(days=2)  # Wed 4 March 09:30 UTC
    write_signed(consultation, now=utcnow(), copy_to_doctor=False)
    clock.advance(hours=1)
    shared = physician_links.create(
        consultation.patient, consultation.id, physician_email="gp@praxis.example", now=utcnow()
    )
    clock.advance(hours=1)
    physician_links.open_shared(shared.url.rsplit("/", 1)[1], now=utcnow(), ip=None)

    sign_in(consultation.patient)
    after = entries(client.get(f"/consultations/{consultation.id}").text)
    assert [(k, label, shown) for k, label, _, shown in after[3:]] == [
        ("delivered", "Written opinion delivered", "Wed 04 Mar 2026, 18:30 (Asia/Tokyo, JST)"),
        ("sent", "Sent to your doctor", "Wed 04 Mar 2026, 19:30 (Asia/Tokyo, JST)"),
        ("opened", "Opened by your doctor", "Wed 04 Mar 2026, 20:30 (Asia/Tokyo, JST)"),
    ]
    assert "Not yet written" not in client.get(f"/consultations/{consultation.id}").text

    # A follow-up question, then the addendum that answers it.
    clock.advance(hours=1)
    question = follow_ups.ask(
        consultation.patient,
        consultation.id,
        question="Should I repeat the scan?",
        ip=None,
        now=utcnow(),
    )
    clock.advance(hours=1)
    signing.add_addendum(
        consultation.specialist,
        consultation.id,
        text="Yes, in three months.",
        password=PASSWORD,
        otp=None,
        question_ids=[question.id],
        ip=None,
        now=utcnow(),
    )
    latest = entries(client.get(f"/consultations/{consultation.id}").text)
    assert [(k, label, shown) for k, label, _, shown in latest[6:]] == [
        ("follow_up", "Follow-up question asked", "Wed 04 Mar 2026, 21:30 (Asia/Tokyo, JST)"),
        ("addendum", "Addendum 1 signed", "Wed 04 Mar 2026, 22:30 (Asia/Tokyo, JST)"),
    ]
    assert "repeat the scan" not in str(latest)  # the question's text stays off the timeline


def test_the_specialist_sees_the_same_times_in_their_own_zone(client, sign_in, consultation):
    sign_in(consultation.specialist)
    lines = entries(client.get(f"/consultations/{consultation.id}").text)
    booked = next(line for line in lines if line[0] == "booked")
    assert booked[2:] == ("2026-03-02T09:00:00Z", "Mon 02 Mar 2026, 10:00 (Europe/Berlin, CET)")
    held = next(line for line in lines if line[0] == "held")
    assert held[2:] == ("2026-03-02T10:00:00Z", "Mon 02 Mar 2026, 11:00 (Europe/Berlin, CET)")


def test_a_cancelled_consultation_owes_no_opinion(client, sign_in, consultation):
    booking.cancel(consultation.patient, consultation.id, reason="", now=utcnow(), cutoff_hours=0)
    lines = case_timeline.timeline_for(consultation, now=utcnow(), for_patient=True)
    assert [(e.kind, e.label) for e in lines] == [
        ("booked", "Booked"),
        ("cancelled", "Consultation cancelled"),
    ]
