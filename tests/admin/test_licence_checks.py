"""Licence warnings 30 days ahead, and consultations a lapse leaves uncovered."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import AuditEvent, SpecialistLicence
from telesecond.scheduler import tick
from telesecond.services.admin import licence_checks, seeding

DIAGNOSIS = "Invasive ductal carcinoma"


def licence_of(specialist_id: int) -> SpecialistLicence:
    db.session.expire_all()
    return db.session.scalars(
        select(SpecialistLicence).where(SpecialistLicence.specialist_id == specialist_id)
    ).one()


def test_expiry_warning_goes_to_specialist_and_admins_once(
    mail_app, clock, admin, make_specialist, smtp_server
):
    doctor = make_specialist(verified=False, profile={"licensed_regions": ["DE"]})
    seeding.verify_claims([doctor.id], verifier=admin, now=clock(), expires_on=date(2026, 4, 2))
    db.session.commit()
    # 31 days ahead: not yet.
    assert licence_checks.run_checks(clock()).warned == 0
    clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # 30 days ahead
    result = mail_app.test_cli_runner().invoke(args=["licences", "check"])
    assert result.exit_code == 0, result.output
    assert "expiry warnings sent: 1" in result.output
    messages = smtp_server.wait_for(2)
    assert sorted(m.rcpt_tos[0] for m in messages) == sorted([doctor.email, admin.email])
    for message in messages:
        assert message["Subject"] == "telesecond: a licence expires soon"
        assert "2026-04-02" in message.get_content()
    assert licence_of(doctor.id).expiry_warned_at == clock()
    # A rerun (the next tick) sends nothing more.
    tick(mail_app)
    assert licence_checks.run_checks(clock()).warned == 0
    assert len(smtp_server.messages) == 2
    assert db.session.scalar(
        select(AuditEvent.id).where(AuditEvent.action == "licence.expiry_warned")
    )


def test_consultations_after_a_lapse_are_flagged_to_admins_once(
    mail_app, clock, admin, make_specialist, make_account, book_consultation, smtp_server
):
    doctor = make_specialist()  # licensed until 2099 by the factory
    consultation = book_consultation(
        make_account(),
        doctor,
        start=datetime(2026, 3, 20, 10, 0, tzinfo=UTC),
        current_diagnosis=DIAGNOSIS,
    )
    assert licence_checks.lapse_flags(clock()) == []
    # The admin corrects the licence's date: it now ends before the consultation.
    licence = next(
        lic
        for lic in db.session.scalars(select(SpecialistLicence))
        if lic.specialist_id == doctor.id and lic.region == "DE"
    )
    licence.expires_on = date(2026, 3, 19)
    licence.expiry_warned_at = clock()  # the warning is not what this test is about
    db.session.commit()
    [flag] = licence_checks.lapse_flags(clock())
    assert (flag.consultation_id, flag.region, flag.lapses_on) == (
        consultation.id,
        "DE",
        date(2026, 3, 19),
    )
    tick(mail_app)  # also dispatches the booking's own emails to patient and specialist
    smtp_server.wait_for(1)
    [message] = smtp_server.messages_to(admin.email)
    assert message["Subject"] == "telesecond: consultations need a licence review"
    body = message.get_content()
    assert f"#{consultation.id}" in body
    assert DIAGNOSIS not in body and consultation.patient.full_name not in body
    tick(mail_app)
    assert len(smtp_server.messages_to(admin.email)) == 1  # once per consultation
    # The admin's pages list it.
    client = mail_app.test_client()
    from tests.web_forms import login

    login(client, admin)
    assert f"Consultation #{consultation.id}" in client.get("/admin/specialists").text
    page = client.get(f"/admin/specialists/{doctor.id}").text
    assert f"<li>Consultation #{consultation.id} on <time datetime=" in page
