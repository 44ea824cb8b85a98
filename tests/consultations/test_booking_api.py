"""Holds, booking, reschedule, cancel and outcome through the JSON API."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.models import (
    AuditEvent,
    Consultation,
    ConsultationEvent,
    Hold,
    Reminder,
    VideoRoom,
)
from telesecond.services.scheduling import specialists
from tests.consultations.booking_requests import BODY, MON_11, MON_12, TUE_11, WED_11, book


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Consultation))


def test_book_returns_the_consultation(client, make_specialist, make_account, auth_header):
    doctor, patient = make_specialist(), make_account()
    response = book(client, auth_header(patient), doctor.id, MON_11)
    assert response.status_code == 201, response.text
    body = response.get_json()
    assert body["status"] == "confirmed"
    assert (body["start"], body["end"]) == (MON_11, "2026-03-02T11:00:00Z")
    assert body["sequence"] == 0
    assert body["specialist"]["id"] == doctor.id and body["patient"]["id"] == patient.id
    assert body["questions"] == BODY["questions"]
    assert response.headers["Location"].endswith(f"/api/v1/consultations/{body['id']}")
    slots = client.get(
        f"/api/v1/specialists/{doctor.id}/slots",
        query_string={"start": "2026-03-02T00:00:00Z", "end": "2026-03-03T00:00:00Z"},
    ).get_json()["items"]
    assert MON_11 not in [s["start"] for s in slots]


def test_the_409_speaks_the_clients_language(client, make_specialist, make_account, auth_header):
    doctor = make_specialist()
    assert book(client, auth_header(make_account()), doctor.id, MON_11).status_code == 201
    spanish = {**auth_header(make_account()), "Accept-Language": "es"}
    response = book(client, spanish, doctor.id, MON_11)
    assert response.status_code == 409
    assert response.get_json()["detail"] == "Esta hora ya no está disponible. Elija otra hora."


def test_second_booking_of_the_same_slot_is_409_with_alternatives(
    client, make_specialist, make_account, auth_header
):
    doctor = make_specialist()
    assert book(client, auth_header(make_account()), doctor.id, MON_11).status_code == 201
    response = book(client, auth_header(make_account()), doctor.id, MON_11)
    assert response.status_code == 409
    body = response.get_json()
    assert "no longer available" in body["detail"]
    assert MON_12 in [s["start"] for s in body["alternatives"]]
    assert count() == 1


def test_a_start_outside_availability_is_409(client, make_specialist, make_account, auth_header):
    doctor = make_specialist()
    for start in ("2026-03-02T10:30:00Z", "2026-03-07T10:00:00Z", "2026-03-02T07:00:00Z"):
        assert book(client, auth_header(make_account()), doctor.id, start).status_code == 409
    assert count() == 0


def test_licence_is_required_for_the_patients_region(
    client, make_specialist, make_account, auth_header
):
    doctor = make_specialist()
    response = book(client, auth_header(make_account()), doctor.id, MON_11, patient_region="US")
    assert response.status_code == 422
    message = response.get_json()["errors"]["patient_region"][0]
    assert "not licensed" in message and "US" in message
    assert (
        book(
            client, auth_header(make_account()), doctor.id, MON_11, patient_region="US-CA"
        ).status_code
        == 201
    )


def test_consent_is_required(client, make_specialist, make_account, auth_header):
    doctor = make_specialist()
    response = book(
        client, auth_header(make_account()), doctor.id, MON_11, telehealth_consent=False
    )
    assert response.status_code == 422
    assert "telehealth_consent" in response.get_json()["errors"]


def test_intake_fields_are_required(client, make_specialist, make_account, auth_header):
    response = book(
        client,
        auth_header(make_account()),
        make_specialist().id,
        MON_11,
        current_diagnosis=" ",
        questions=[],
    )
    assert response.status_code == 422
    assert {"current_diagnosis", "questions"} <= set(response.get_json()["errors"])


def test_specialists_cannot_book(client, make_specialist, auth_header):
    doctor = make_specialist()
    assert book(client, auth_header(make_specialist()), doctor.id, MON_11).status_code == 403


def test_a_patient_cannot_be_in_two_consultations_at_once(
    client, make_specialist, make_account, auth_header
):
    patient = make_account()
    headers = auth_header(patient)
    assert book(client, headers, make_specialist().id, MON_11).status_code == 201
    response = book(client, headers, make_specialist().id, MON_11)
    assert response.status_code == 409
    assert "already have a consultation" in response.get_json()["detail"]


def test_holds(client, make_specialist, make_account, auth_header, clock):
    doctor = make_specialist()
    alice, bob = auth_header(make_account()), auth_header(make_account())
    hold = client.post(
        "/api/v1/holds", headers=alice, json={"specialist_id": doctor.id, "start": MON_11}
    )
    assert hold.status_code == 201
    assert hold.get_json()["expires_at"] == "2026-03-02T09:10:00Z"
    # Another patient's hold blocks the slot for holds, bookings and the public slot list.
    assert (
        client.post(
            "/api/v1/holds", headers=bob, json={"specialist_id": doctor.id, "start": MON_11}
        ).status_code
        == 409
    )
    assert book(client, bob, doctor.id, MON_11).status_code == 409
    slots = client.get(f"/api/v1/specialists/{doctor.id}/slots").get_json()["items"]
    assert MON_11 not in [s["start"] for s in slots]
    # Alice's hold does not let Bob in: for him the slot is taken.
    stolen = book(client, bob, doctor.id, MON_11, hold_id=hold.get_json()["id"])
    assert stolen.status_code == 409
    assert "no longer available" in stolen.get_json()["detail"]
    # Alice books with her own hold.
    response = book(client, alice, doctor.id, MON_11, hold_id=hold.get_json()["id"])
    assert response.status_code == 201


def test_an_expired_hold_frees_the_slot(client, make_specialist, make_account, auth_header, clock):
    doctor = make_specialist()
    alice, bob = auth_header(make_account()), auth_header(make_account())
    client.post("/api/v1/holds", headers=alice, json={"specialist_id": doctor.id, "start": MON_12})
    clock.advance(minutes=10, seconds=1)
    assert book(client, bob, doctor.id, MON_12).status_code == 201


def test_a_lapsed_hold_is_no_hold(client, make_specialist, make_account, auth_header, clock):
    doctor = make_specialist()
    alice = auth_header(make_account())
    hold = client.post(
        "/api/v1/holds", headers=alice, json={"specialist_id": doctor.id, "start": MON_11}
    ).get_json()
    clock.advance(minutes=10, seconds=1)
    response = book(client, alice, doctor.id, MON_11, hold_id=hold["id"])
    assert response.status_code == 201, response.text
    assert response.get_json()["start"] == MON_11


def test_a_purged_hold_is_no_hold(client, make_specialist, make_account, auth_header, clock):
    doctor, patient = make_specialist(), make_account()
    alice, bob = auth_header(patient), auth_header(make_account())
    hold = client.post(
        "/api/v1/holds", headers=alice, json={"specialist_id": doctor.id, "start": MON_11}
    ).get_json()
    clock.advance(minutes=11)
    # Bob's hold purges the expired ones: Alice's hold row is gone.
    assert (
        client.post(
            "/api/v1/holds", headers=bob, json={"specialist_id": doctor.id, "start": MON_12}
        ).status_code
        == 201
    )
    # (SQLite may even give Bob's new hold the freed id: another patient's hold.)
    assert db.session.scalar(select(Hold.id).where(Hold.patient_id == patient.id)) is None
    response = book(client, alice, doctor.id, MON_11, hold_id=hold["id"])
    assert response.status_code == 201, response.text
    # A hold id that never existed is no hold either; Bob's hold still blocks MON_12.
    assert book(client, alice, doctor.id, TUE_11, hold_id=10**6).status_code == 201
    assert book(client, alice, doctor.id, MON_12, hold_id=hold["id"]).status_code == 409


def test_a_lapsed_hold_on_a_slot_taken_since_is_409(
    client, make_specialist, make_account, auth_header, clock
):
    doctor = make_specialist()
    alice = auth_header(make_account())
    hold = client.post(
        "/api/v1/holds", headers=alice, json={"specialist_id": doctor.id, "start": MON_11}
    ).get_json()
    clock.advance(minutes=15)
    assert book(client, auth_header(make_account()), doctor.id, MON_11).status_code == 201
    response = book(client, alice, doctor.id, MON_11, hold_id=hold["id"])
    assert response.status_code == 409
    assert "no longer available" in response.get_json()["detail"]
    assert count() == 1


def test_a_live_hold_for_another_time_is_422(client, make_specialist, make_account, auth_header):
    doctor = make_specialist()
    alice = auth_header(make_account())
    hold = client.post(
        "/api/v1/holds", headers=alice, json={"specialist_id": doctor.id, "start": MON_11}
    ).get_json()
    response = book(client, alice, doctor.id, MON_12, hold_id=hold["id"])
    assert response.status_code == 422
    assert response.get_json()["errors"]["hold_id"] == ["This hold is for another time."]
    assert count() == 0


def test_hold_on_a_taken_slot_is_409(client, make_specialist, make_account, auth_header):
    doctor = make_specialist()
    book(client, auth_header(make_account()), doctor.id, MON_11)
    response = client.post(
        "/api/v1/holds",
        headers=auth_header(make_account()),
        json={"specialist_id": doctor.id, "start": MON_11},
    )
    assert response.status_code == 409


def test_other_patients_get_404(client, make_specialist, make_account, auth_header):
    alice, bob = make_account(), make_account()
    created = book(client, auth_header(alice), make_specialist().id, MON_11).get_json()
    for method, path in [("get", ""), ("post", "/cancel"), ("post", "/reschedule")]:
        response = getattr(client, method)(
            f"/api/v1/consultations/{created['id']}{path}",
            headers=auth_header(bob),
            json={"start": TUE_11},
        )
        assert response.status_code == 404, path
        assert "consultation" in response.get_json()["detail"].lower()
    assert client.get("/api/v1/consultations", headers=auth_header(bob)).get_json()["items"] == []


def test_reading_a_case_is_audited(client, make_specialist, make_account, auth_header):
    doctor, patient = make_specialist(), make_account()
    created = book(client, auth_header(patient), doctor.id, MON_11).get_json()
    body = client.get(
        f"/api/v1/consultations/{created['id']}", headers=auth_header(doctor)
    ).get_json()
    assert body["current_diagnosis"] == BODY["current_diagnosis"]
    viewed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "consultation.viewed")
    ).all()
    assert [(e.actor_id, e.target_id) for e in viewed] == [(doctor.id, str(created["id"]))]


def test_lists_have_no_health_information(client, make_specialist, make_account, auth_header):
    doctor, patient = make_specialist(), make_account()
    book(client, auth_header(patient), doctor.id, MON_11)
    for who in (patient, doctor):
        listing = client.get("/api/v1/consultations", headers=auth_header(who))
        assert len(listing.get_json()["items"]) == 1
        assert "carcinoma" not in listing.text


def test_reschedule_keeps_the_id_and_raises_the_sequence(
    client, make_specialist, make_account, auth_header
):
    doctor, patient = make_specialist(), make_account()
    headers = auth_header(patient)
    created = book(client, headers, doctor.id, TUE_11).get_json()
    moved = client.post(
        f"/api/v1/consultations/{created['id']}/reschedule", headers=headers, json={"start": WED_11}
    )
    assert moved.status_code == 200, moved.text
    assert moved.get_json()["id"] == created["id"]
    assert moved.get_json()["start"] == WED_11
    assert moved.get_json()["sequence"] == 1
    # The old slot is free again; the new one is taken.
    assert book(client, auth_header(make_account()), doctor.id, TUE_11).status_code == 201
    assert book(client, auth_header(make_account()), doctor.id, WED_11).status_code == 409
    kinds = db.session.scalars(select(ConsultationEvent.kind).order_by(ConsultationEvent.id))
    assert list(kinds)[:2] == ["booked", "rescheduled"]


def test_reschedule_to_a_taken_slot_is_409(client, make_specialist, make_account, auth_header):
    doctor = make_specialist()
    book(client, auth_header(make_account()), doctor.id, WED_11)
    patient = auth_header(make_account())
    created = book(client, patient, doctor.id, TUE_11).get_json()
    response = client.post(
        f"/api/v1/consultations/{created['id']}/reschedule", headers=patient, json={"start": WED_11}
    )
    assert response.status_code == 409
    assert (
        client.get(f"/api/v1/consultations/{created['id']}", headers=patient).get_json()["start"]
        == TUE_11
    )


def test_reschedule_to_the_current_start_is_refused(
    client, make_specialist, make_account, auth_header
):
    doctor, patient = make_specialist(), make_account()
    headers = auth_header(patient)
    created = book(client, headers, doctor.id, TUE_11).get_json()
    for who in (headers, auth_header(doctor)):
        response = client.post(
            f"/api/v1/consultations/{created['id']}/reschedule", headers=who, json={"start": TUE_11}
        )
        assert response.status_code == 422
        assert "already starts at this time" in response.get_json()["errors"]["start"][0]
    after = client.get(f"/api/v1/consultations/{created['id']}", headers=headers).get_json()
    assert (after["start"], after["sequence"]) == (TUE_11, 0)
    kinds = db.session.scalars(
        select(ConsultationEvent.kind).where(ConsultationEvent.consultation_id == created["id"])
    )
    assert list(kinds) == ["booked"]


def test_booking_sees_new_availability_at_once(client, make_specialist, make_account, auth_header):
    doctor = make_specialist()
    assert book(client, auth_header(make_account()), doctor.id, MON_11).status_code == 201
    # Same instant on the frozen clock: the rule cache must not outlive the change.
    changed = client.put(
        "/api/v1/me/availability",
        headers=auth_header(doctor),
        json={
            "timezone": "Europe/Berlin",
            "weekly": [{"weekday": 0, "start": "09:00", "end": "17:00"}],
            "consultation_minutes": 60,
            "buffer_minutes": 0,
            "min_notice_minutes": 0,
            "horizon_days": 60,
        },
    )
    assert changed.status_code == 200, changed.text
    assert book(client, auth_header(make_account()), doctor.id, TUE_11).status_code == 409
    assert book(client, auth_header(make_account()), doctor.id, MON_12).status_code == 201
    licences = client.put(
        "/api/v1/me/specialist-profile",
        headers=auth_header(doctor),
        json={
            "specialties": ["Oncology"],
            "conditions": [],
            "languages": ["en"],
            "licensed_regions": ["FR"],
            "bio": "",
            "fee_cents": 0,
            "currency": "EUR",
        },
    )
    assert licences.status_code == 200, licences.text
    # A claimed region is not a licence: FR stays refused, the verified DE licence stands.
    refused = book(
        client, auth_header(make_account()), doctor.id, "2026-03-09T10:00:00Z", patient_region="FR"
    )
    assert refused.status_code == 422
    assert "patient_region" in refused.get_json()["errors"]
    assert (
        book(client, auth_header(make_account()), doctor.id, "2026-03-09T10:00:00Z").status_code
        == 201
    )


def test_patient_cutoff_applies_but_not_to_the_specialist(
    client, make_specialist, make_account, auth_header
):
    doctor, patient = make_specialist(), make_account()
    created = book(client, auth_header(patient), doctor.id, MON_12).get_json()  # in 2 hours
    for action, body in (("reschedule", {"start": WED_11}), ("cancel", {"reason": "x"})):
        refused = client.post(
            f"/api/v1/consultations/{created['id']}/{action}",
            headers=auth_header(patient),
            json=body,
        )
        assert refused.status_code == 409
        assert "24 hours" in refused.get_json()["detail"]
    moved = client.post(
        f"/api/v1/consultations/{created['id']}/reschedule",
        headers=auth_header(doctor),
        json={"start": WED_11},
    )
    assert moved.status_code == 200


def test_cancel_is_soft_and_frees_the_slot(client, make_specialist, make_account, auth_header):
    doctor, patient = make_specialist(), make_account()
    created = book(client, auth_header(patient), doctor.id, WED_11).get_json()
    response = client.post(
        f"/api/v1/consultations/{created['id']}/cancel",
        headers=auth_header(patient),
        json={"reason": "Feeling better"},
    )
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert response.get_json()["sequence"] == 1
    stored = db.session.get(Consultation, created["id"])
    assert (stored.cancel_reason, stored.cancelled_by_id) == ("Feeling better", patient.id)
    assert stored.cancelled_at is not None
    again = client.post(
        f"/api/v1/consultations/{created['id']}/cancel", headers=auth_header(patient), json={}
    )
    assert again.status_code == 409
    assert book(client, auth_header(make_account()), doctor.id, WED_11).status_code == 201
    assert count() == 2


def test_outcome_only_by_the_specialist_after_the_start(
    client, make_specialist, make_account, auth_header, clock
):
    doctor, patient = make_specialist(), make_account()
    created = book(client, auth_header(patient), doctor.id, MON_11).get_json()
    url = f"/api/v1/consultations/{created['id']}/status"
    early = client.post(url, headers=auth_header(doctor), json={"status": "completed"})
    assert early.status_code == 409
    clock.advance(hours=1, minutes=5)
    assert (
        client.post(url, headers=auth_header(patient), json={"status": "completed"}).status_code
        == 403
    )
    assert client.post(url, headers=auth_header(doctor), json={"status": "done"}).status_code == 422
    done = client.post(url, headers=auth_header(doctor), json={"status": "no_show"})
    assert done.status_code == 200 and done.get_json()["status"] == "no_show"
    status_list = client.get(
        "/api/v1/consultations", headers=auth_header(doctor), query_string={"status": "no_show"}
    ).get_json()["items"]
    assert [c["id"] for c in status_list] == [created["id"]]


def test_directory_next_available_follows_bookings(
    client, make_specialist, make_account, auth_header
):
    doctor = make_specialist()
    first = client.get(f"/api/v1/specialists/{doctor.id}").get_json()["next_available_start"]
    assert first == "2026-03-02T09:00:00Z"  # 10:00 Berlin, starting right now
    book(client, auth_header(make_account()), doctor.id, first)
    assert (
        client.get("/api/v1/specialists").get_json()["items"][0]["next_available_start"] == MON_11
    )


def test_a_booking_refused_by_busy_time_leaves_no_rows(
    client, make_specialist, make_account, auth_header
):
    """Busy time is checked after the booking's rows are written: a refusal takes every
    one of them back (consultation, history, audit, video room, reminders)."""

    def rows() -> dict[str, int]:
        tables = {
            "consultations": Consultation,
            "history": ConsultationEvent,
            "rooms": VideoRoom,
            "reminders": Reminder,
        }
        found = {
            k: db.session.scalar(select(func.count()).select_from(m)) for k, m in tables.items()
        }
        found["audit"] = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "consultation.booked")
        )
        return found

    doctor = make_specialist()
    alice, bob = auth_header(make_account()), auth_header(make_account())
    assert (
        client.post(
            "/api/v1/holds", headers=alice, json={"specialist_id": doctor.id, "start": MON_11}
        ).status_code
        == 201
    )
    specialists.add_time_off(
        doctor,
        start=datetime(2026, 3, 3, 9, 30, tzinfo=UTC),
        end=datetime(2026, 3, 3, 12, 0, tzinfo=UTC),
        now=utcnow(),
    )
    db.session.commit()
    before = rows()
    held = book(client, bob, doctor.id, MON_11)  # Alice's hold
    away = book(client, bob, doctor.id, TUE_11)  # the specialist's time off
    for response in (held, away):
        assert response.status_code == 409, response.text
        assert "no longer available" in response.get_json()["detail"]
    db.session.expire_all()
    assert rows() == before
    # The same patient books a free time at once: nothing of the refusals is in the way.
    assert book(client, bob, doctor.id, WED_11).status_code == 201
    db.session.expire_all()
    after = rows()
    assert after["consultations"] == before["consultations"] + 1
    assert after["history"] == before["history"] + 1
    assert after["audit"] == before["audit"] + 1
