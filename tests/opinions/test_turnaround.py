"""Opinion due dates on the pages, the reminder process's warnings, the admins' figures.

The consultation is Monday 2 March 2026, 11:00-12:00 in Berlin (10:00-11:00 UTC); with
OPINION_DUE_BUSINESS_DAYS=5 the opinion is due by the end of Monday 9 March (23:00 UTC).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.models import OpinionDeadlineWarning
from telesecond.services.maintenance import run_maintenance
from telesecond.services.opinions import turnaround
from telesecond.services.opinions.deadline_warnings import warn_opinion_deadlines
from telesecond.services.scheduling import specialists
from tests.opinions.scenario import DIAGNOSIS, QUESTIONS, SUMMARY, write_signed

CALL_END = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
SNAPSHOTS = Path(__file__).parent / "snapshots"


def snapshot(text: str, consultation) -> str:
    """The message with what changes from run to run (ids, the greeting's name) fixed."""
    text = re.sub(r"^Hello .*,$", "Hello <name>,", text, count=1, flags=re.M)
    return text.replace(f"#{consultation.id}", "#<id>").replace(f"/{consultation.id}", "/<id>")


@pytest.fixture
def app(make_app, clock, smtp_server):
    app = make_app(CLOCK=clock, **smtp_server.app_config())
    with app.app_context():
        yield app


def move_to(clock, instant: datetime) -> None:
    clock.advance(seconds=(instant - clock()).total_seconds())


def write(consultation):
    """The specialist signs the opinion, after the call (the clock moves there if need be)."""
    clock = current_app.config["CLOCK"]
    if clock() < consultation.end + timedelta(minutes=1):
        clock.advance(seconds=(consultation.end - clock()).total_seconds() + 60)
    return write_signed(consultation, now=utcnow(), copy_to_doctor=False)


def bodies(messages) -> list[str]:
    return [m.get_body(preferencelist=("plain",)).get_content() for m in messages]


def test_the_due_date_skips_the_weekend(consultation):
    assert consultation.end == CALL_END
    due = turnaround.due_of(consultation)
    assert due.on == date(2026, 3, 9)  # Monday after: Sat and Sun do not count
    assert due.by == datetime(2026, 3, 9, 23, 0, tzinfo=UTC)


def test_the_due_date_skips_time_off(consultation):
    specialists.add_time_off(
        consultation.specialist,
        start=datetime(2026, 3, 2, 23, 0, tzinfo=UTC),  # Tue 3 and Wed 4 March in Berlin
        end=datetime(2026, 3, 4, 23, 0, tzinfo=UTC),
        now=utcnow(),
    )
    assert turnaround.due_of(consultation).on == date(2026, 3, 11)


def test_the_setting_changes_the_due_date(make_app, clock, smtp_server, book_for_opinion):
    app = make_app(CLOCK=clock, OPINION_DUE_BUSINESS_DAYS=1, **smtp_server.app_config())
    with app.app_context():
        assert turnaround.due_of(book_for_opinion()).on == date(2026, 3, 3)


def test_the_patient_sees_the_due_date_in_their_zone(client, sign_in, book_for_opinion):
    consultation = book_for_opinion()
    consultation.patient.timezone = "America/New_York"
    db.session.commit()
    sign_in(consultation.patient)
    page = client.get(f"/consultations/{consultation.id}")
    assert "Not yet written; due by" in page.text
    # 23:00 UTC on Monday 9 March is 19:00 in New York (EDT since 8 March).
    assert "Mon 09 Mar 2026, 19:00 (America/New_York, EDT)" in page.text

    write(consultation)
    page = client.get(f"/consultations/{consultation.id}")
    assert "Not yet written" not in page.text
    assert "Written opinion delivered" in page.text


def test_the_specialist_sees_due_dates_in_the_agenda(client, sign_in, consultation, clock):
    sign_in(consultation.specialist)
    page = client.get("/consultations")
    assert "Opinion due by the end of" in page.text
    assert '<time datetime="2026-03-09">Mon 09 Mar 2026</time>' in page.text
    clock.advance(days=8)
    sign_in(consultation.specialist)
    assert "Opinion overdue: was due by the end of" in client.get("/consultations").text


def warnings_in(smtp_server, n: int):
    """The opinion warnings among the messages (the booking's own mail aside)."""
    smtp_server.wait_for(n)
    return [m for m in smtp_server.messages if "written opinion" in str(m["Subject"])]


def test_the_warnings_fire_once_each(consultation, clock, smtp_server, make_account):
    second_admin = make_account(role="admin", full_name="Olga Admin", email="olga@clinic.example")
    assert warn_opinion_deadlines(utcnow()) == 0  # the call has not even ended

    # Friday 6 March 06:00 UTC is 07:00 in Berlin: the business day before the due Monday.
    move_to(clock, datetime(2026, 3, 6, 5, 59, tzinfo=UTC))
    assert warn_opinion_deadlines(utcnow()) == 0
    move_to(clock, datetime(2026, 3, 6, 6, 0, tzinfo=UTC))
    run_maintenance(utcnow())  # the reminder process runs the sweep in its upkeep
    [soon] = warnings_in(smtp_server, 1)
    assert soon.rcpt_tos == (consultation.specialist.email,)
    assert soon["Subject"] == "telesecond: a written opinion is due soon"
    [text] = bodies([soon])
    assert f"consultation #{consultation.id}" in text
    assert "Monday 09 March 2026 (Europe/Berlin)" in text
    assert snapshot(text, consultation) == (SNAPSHOTS / "opinion_due_soon.txt").read_text()
    run_maintenance(utcnow())
    assert warn_opinion_deadlines(utcnow()) == 0  # never twice

    move_to(clock, datetime(2026, 3, 9, 22, 59, tzinfo=UTC))
    assert warn_opinion_deadlines(utcnow()) == 0
    move_to(clock, datetime(2026, 3, 9, 23, 0, tzinfo=UTC))
    assert warn_opinion_deadlines(utcnow()) == 2  # both admins
    overdue = warnings_in(smtp_server, 3)[1:]
    assert sorted(m.rcpt_tos[0] for m in overdue) == sorted(
        ["factory-verifier@example.org", second_admin.email]
    )
    [overdue_text, _] = bodies(overdue)
    assert snapshot(overdue_text, consultation) == (SNAPSHOTS / "opinion_overdue.txt").read_text()
    clock.advance(days=1)
    assert warn_opinion_deadlines(utcnow()) == 0
    sent = warnings_in(smtp_server, 3)
    assert len(sent) == 3

    for message, text in zip(sent, bodies(sent), strict=True):
        for secret in (DIAGNOSIS, SUMMARY, *QUESTIONS, "Maria", "Keller", "carcinoma"):
            assert secret.lower() not in text.lower()
            assert secret.lower() not in str(message["Subject"]).lower()
    rows = db.session.scalars(select(OpinionDeadlineWarning)).all()
    assert sorted(r.kind for r in rows) == ["due_soon", "overdue", "overdue"]
    assert all(r.sent_at is not None for r in rows)


def test_no_warning_once_the_opinion_is_delivered(consultation, clock, smtp_server):
    write(consultation)
    move_to(clock, datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    assert warn_opinion_deadlines(utcnow()) == 0
    assert smtp_server.messages == []


def test_a_warning_claimed_elsewhere_is_not_sent_again(consultation, clock, smtp_server):
    # Another process claimed it (the row exists): this pass leaves it alone.
    db.session.add(
        OpinionDeadlineWarning(
            consultation_id=consultation.id,
            recipient_id=consultation.specialist_id,
            kind="due_soon",
            created_at=utcnow(),
        )
    )
    db.session.commit()
    move_to(clock, datetime(2026, 3, 6, 6, 0, tzinfo=UTC))
    assert warn_opinion_deadlines(utcnow()) == 0
    assert smtp_server.messages == []


def test_the_admin_sees_turnaround_figures(
    client, sign_in, book_for_opinion, make_specialist, make_account, clock
):
    specialist = make_specialist(full_name="Dr Lena Brandt", notice=60)
    first = book_for_opinion(specialist=specialist)  # Mon 10:00-11:00 UTC
    second = book_for_opinion(specialist=specialist)  # Mon 11:00-12:00 UTC
    late = book_for_opinion(specialist=specialist)  # never written
    assert (first.end, late.end) == (CALL_END, CALL_END + timedelta(hours=2))

    move_to(clock, CALL_END + timedelta(days=2))
    write(first)  # 2.0 days after the call
    move_to(clock, second.end + timedelta(days=4))
    write(second)  # 4.0 days
    move_to(clock, datetime(2026, 3, 10, 9, 0, tzinfo=UTC))  # the third is overdue since Monday

    figures = turnaround.clinic_figures(now=utcnow())
    assert (figures.delivered, figures.median_days, figures.p90_days, figures.overdue) == (
        2,
        3.0,
        4.0,
        1,
    )
    sign_in(make_account(role="admin", email="boss@clinic.example"))
    page = client.get("/admin/turnaround")
    assert page.status_code == 200
    assert '<dd id="turnaround-median">3.0 days</dd>' in page.text
    assert '<dd id="turnaround-p90">4.0 days</dd>' in page.text
    assert '<dd id="turnaround-overdue">1</dd>' in page.text
    assert "Opinion turnaround" in client.get("/admin").text


def test_only_admins_see_the_figures(client, sign_in, consultation):
    sign_in(consultation.specialist)
    assert client.get("/admin/turnaround").status_code == 403
