"""The dashboard: what it lists, that reading it is audited, that sign-in lands there."""

from __future__ import annotations

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import AuditEvent
from telesecond.services import dashboard
from telesecond.services.consultations import booking
from telesecond.services.opinions import second_opinion
from tests.accounts.two_factor_steps import (
    SECOND_STEP,
    code_at,
    enrol_totp,
    password_step,
    send_code,
)
from tests.credentials import PASSWORD
from tests.specialist.conftest import DIAGNOSIS_A, DIAGNOSIS_B
from tests.web_forms import csrf_token


def viewed_by(account_id: int) -> list[tuple[str, dict | None]]:
    rows = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "consultation.viewed", AuditEvent.actor_id == account_id
        )
    )
    return [(row.target_id, row.detail) for row in rows]


def test_the_dashboard_counts_records_and_shows_opinion_states(week, clock):
    board = dashboard.dashboard_for(week.doctor, now=clock())

    assert [d.day.isoformat() for d in board.days] == ["2026-03-02", "2026-03-03"]
    (today,), (tomorrow,) = (d.rows for d in board.days)
    assert (today.consultation.id, today.records, today.opinion, today.due) == (
        week.signed.id,
        2,
        "signed",
        None,
    )
    assert (tomorrow.consultation.id, tomorrow.records, tomorrow.opinion) == (
        week.waiting.id,
        0,
        "not_started",
    )
    assert tomorrow.due is not None and tomorrow.due.on.isoformat() == "2026-03-10"
    assert (today.condition, tomorrow.condition) == (DIAGNOSIS_A, DIAGNOSIS_B)


def test_each_consultation_shown_is_audited_as_read(week, signed_in, app):
    client = signed_in(app, week.doctor)
    page = client.get("/specialist/")

    assert page.status_code == 200
    assert DIAGNOSIS_A in page.text and "Ben Okoro" in page.text
    assert sorted(viewed_by(week.doctor.id)) == sorted(
        [
            (str(week.signed.id), {"via": "dashboard"}),
            (str(week.waiting.id), {"via": "dashboard"}),
        ]
    )


def test_a_cancelled_consultation_is_not_on_the_dashboard(week, clock):
    booking.cancel(week.ben, week.waiting.id, reason="", now=clock(), cutoff_hours=0)
    board = dashboard.dashboard_for(week.doctor, now=clock())
    assert [r.consultation.id for d in board.days for r in d.rows] == [week.signed.id]


def test_a_long_condition_is_cut_at_a_word():
    text = "Stage II ductal carcinoma of the left breast " * 5
    short = dashboard.short_condition(text, 40)
    assert short == "Stage II ductal carcinoma of the left…"


def sign_in(client, account, next_url: str | None = None):
    path = "/login" + (f"?next={next_url}" if next_url else "")
    token = csrf_token(client.get(path).text)
    return client.post(
        path, data={"email": account.email, "password": PASSWORD, "csrf_token": token}
    )


def test_specialists_land_on_the_dashboard_others_keep_theirs(app, make_specialist, make_account):
    doctor, patient = make_specialist(), make_account()
    admin = make_account(role="admin")

    assert sign_in(app.test_client(), doctor).headers["Location"] == "/specialist/"
    assert sign_in(app.test_client(), patient).headers["Location"] == "/"
    assert sign_in(app.test_client(), admin).headers["Location"] == "/"
    # A page asked for before signing in still wins.
    answer = sign_in(app.test_client(), doctor, "/specialist/availability")
    assert answer.headers["Location"] == "/specialist/availability"


def test_only_specialists_open_the_dashboard(app, make_account, signed_in):
    assert signed_in(app, make_account()).get("/specialist/").status_code == 403
    assert app.test_client().get("/specialist/").status_code in (302, 401)


def test_the_dashboard_speaks_the_specialists_language(week, signed_in, app):
    week.doctor.language = "es"
    db.session.commit()
    page = signed_in(app, week.doctor).get("/specialist/").text

    assert '<html lang="es">' in page
    assert "<h1>Panel</h1>" in page
    assert "2 documentos" in page and "0 documentos" in page
    assert ">Firmada<" in page and ">Sin empezar<" in page
    assert "Hoy, lunes, 2 de marzo de 2026" in page


def test_after_the_second_factor_a_specialist_lands_on_the_dashboard(
    client, make_specialist, clock
):
    doctor = make_specialist()
    secret, _ = enrol_totp(doctor, clock)
    assert password_step(client, doctor).headers["Location"] == SECOND_STEP
    assert send_code(client, code_at(secret, clock())).headers["Location"] == "/specialist/"


def test_a_draft_shows_as_a_draft_until_it_is_signed(week, clock):
    second_opinion.save_draft(
        week.doctor,
        week.waiting.id,
        diagnosis_assessment="",
        summary="Half written.",
        answers=[],
        recommendations="",
        ip=None,
        now=clock(),
    )
    rows = [r for d in dashboard.dashboard_for(week.doctor, now=clock()).days for r in d.rows]
    assert [(r.consultation.id, r.opinion) for r in rows] == [
        (week.signed.id, "signed"),
        (week.waiting.id, "draft"),
    ]
    assert rows[1].due is not None  # a draft is not delivered: still due
