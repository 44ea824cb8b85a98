"""Financial assistance: a patient asks, an admin approves or declines, the quote follows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from telesecond.extensions import db
from telesecond.models import AssistanceRequest, AuditEvent
from telesecond.services.fees import checkout, quotes
from tests.factories import intake
from tests.fees.steps import ask, decide, first_slot
from tests.web_forms import csrf_token


def quote_of(client, headers, specialist_id):
    answer = client.get(f"/api/v1/specialists/{specialist_id}/quote", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.get_json()


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_an_approved_reduction_lowers_the_quote_and_the_patient_is_told(
    mail_app, make_account, doctor, admin, auth_header, smtp_server
):
    client = mail_app.test_client()
    patient = make_account(full_name="Nora Quill")
    mine = auth_header(patient)
    assert quote_of(client, mine, doctor.id)["amount_cents"] == 20000

    asked = ask(client, mine, doctor.id, kind="reduction", offered_cents=5000)
    assert asked.status_code == 201, asked.text
    body = asked.get_json()
    assert (body["status"], body["offered_cents"], body["fee_cents"]) == ("pending", 5000, 20000)
    assert quote_of(client, mine, doctor.id)["amount_cents"] == 20000  # not yet decided

    decided = decide(
        client, auth_header(admin), body["id"], decision="approve", approved_cents=6000
    )
    assert decided.status_code == 200, decided.text
    assert decided.get_json()["status"] == "approved"
    quote = quote_of(client, mine, doctor.id)
    assert quote["amount_cents"] == 6000
    assert quote["lines"] == [
        {"kind": "assistance", "label": "Financial assistance", "amount_cents": -14000}
    ]

    [message] = smtp_server.wait_for(1)
    assert message.rcpt_tos == (patient.email,)
    assert message["Subject"] == "telesecond: your request for help with a fee"
    assert "You pay 60.00 EUR instead of 200.00 EUR" in message.get_content()
    assert "I lost my job" not in message.get_content()
    mine_now = client.get("/api/v1/assistance-requests", headers=mine).get_json()["items"]
    assert [(r["status"], r["approved_cents"]) for r in mine_now] == [("approved", 6000)]
    assert actions()[-2:] == ["assistance.requested", "assistance.approved"]


def test_a_waiver_goes_with_the_next_booking_only(
    app, client, make_account, doctor, admin, auth_header, book_consultation
):
    patient = make_account()
    mine = auth_header(patient)
    request_id = ask(client, mine, doctor.id).get_json()["id"]
    assert (
        decide(
            client, auth_header(admin), request_id, decision="approve", approved_cents=0
        ).status_code
        == 200
    )
    assert quote_of(client, mine, doctor.id)["amount_cents"] == 0

    consultation = checkout.book(
        patient, doctor.id, first_slot(doctor), intake(), now=app.config["CLOCK"]()
    ).consultation
    db.session.expire_all()
    assert db.session.get(AssistanceRequest, request_id).used_by_id == consultation.id
    assert quote_of(client, mine, doctor.id)["amount_cents"] == 20000  # the next one pays
    assert quotes.for_consultation(patient, consultation.id).amount_cents == 0


def test_a_waiver_skips_a_booking_made_before_the_decision(
    client, clock, make_account, doctor, admin, auth_header
):
    """Booking writes nothing about assistance: the approval is matched to the first
    consultation booked after the decision when it is read."""
    patient = make_account()
    mine = auth_header(patient)
    slots = iter([first_slot(doctor), first_slot(doctor) + timedelta(days=1)])
    earlier = checkout.book(patient, doctor.id, next(slots), intake(), now=clock()).consultation
    clock.advance(minutes=5)
    request_id = ask(client, mine, doctor.id).get_json()["id"]
    assert decide(client, auth_header(admin), request_id, decision="approve", approved_cents=0)
    later = checkout.book(patient, doctor.id, next(slots), intake(), now=clock()).consultation

    assert quotes.for_consultation(patient, earlier.id).amount_cents == 20000
    assert quotes.for_consultation(patient, later.id).amount_cents == 0
    listed = client.get("/api/v1/assistance-requests", headers=mine).get_json()["items"]
    assert [r["consultation_id"] for r in listed] == [later.id]


def test_a_declined_request_leaves_the_fee_and_says_so(
    mail_app, make_account, doctor, admin, auth_header, smtp_server
):
    client = mail_app.test_client()
    patient = make_account()
    mine = auth_header(patient)
    request_id = ask(client, mine, doctor.id).get_json()["id"]
    decided = decide(
        client, auth_header(admin), request_id, decision="decline", note="Please ask again in May."
    )
    assert decided.status_code == 200
    assert quote_of(client, mine, doctor.id)["amount_cents"] == 20000
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "telesecond: your request for help with a fee"
    assert "could not approve" in message.get_content()
    assert "Please ask again in May." in message.get_content()
    again = decide(client, auth_header(admin), request_id, decision="approve", approved_cents=0)
    assert again.status_code == 409
    assert "assistance.declined" in actions()


def test_the_patient_asks_on_a_page_that_says_no_clinical_details_are_needed(
    client, make_account, doctor, sign_in
):
    patient = make_account()
    sign_in(patient)
    url = f"/assistance/new?specialist={doctor.id}"
    page = client.get(url)
    assert page.status_code == 200
    assert "You do not need to give any clinical or medical details" in page.text
    assert "200.00 EUR" in page.text
    too_long = client.post(
        "/assistance/new",
        data={
            "csrf_token": csrf_token(page.text),
            "specialist_id": str(doctor.id),
            "kind": "reduction",
            "offered": "",
            "reason": "x" * 501,
        },
    )
    assert too_long.status_code == 422
    assert "Say how much you can pay." in too_long.text
    assert "Use at most 500 characters (you used 501)." in too_long.text
    assert db.session.scalar(select(func.count()).select_from(AssistanceRequest)) == 0

    sent = client.post(
        "/assistance/new",
        data={
            "csrf_token": csrf_token(page.text),
            "specialist_id": str(doctor.id),
            "kind": "reduction",
            "offered": "80",
            "reason": "Two children at home and one income.",
        },
    )
    assert sent.status_code == 302
    listing = client.get("/assistance")
    assert "To pay 80.00 EUR instead of 200.00 EUR" in listing.text
    assert "Waiting for our answer" in listing.text


def test_the_admin_decides_on_the_page(client, make_account, doctor, admin, auth_header, sign_in):
    patient = make_account(email="sam@example.org")
    request_id = ask(client, auth_header(patient), doctor.id).get_json()["id"]
    sign_in(admin)
    page = client.get("/admin/assistance?status=pending")
    assert "sam@example.org" in page.text and "I lost my job." in page.text
    url = f"/admin/assistance/{request_id}/decision"
    missing = client.post(url, data={"csrf_token": csrf_token(page.text), "decision": "reduce"})
    assert missing.status_code == 422
    assert "Say what the patient pays (0 waives the fee)." in missing.text
    done = client.post(
        url, data={"csrf_token": csrf_token(page.text), "decision": "reduce", "approved": "45.50"}
    )
    assert done.status_code == 302
    db.session.expire_all()
    row = db.session.get(AssistanceRequest, request_id)
    assert (row.status, row.approved_cents, row.decided_by_id) == ("approved", 4550, admin.id)
    assert "sam@example.org" not in client.get("/admin/assistance?status=pending").text
    assert "Pays 45.50 EUR" in client.get("/admin/assistance?status=approved").text.replace(
        "Approved: pays", "Pays"
    )


def test_help_with_the_fee_of_a_booked_consultation(
    client, make_account, doctor, admin, auth_header, sign_in, book_consultation
):
    patient = make_account()
    consultation = book_consultation(patient, doctor, n=5)
    sign_in(patient)
    detail = client.get(f"/consultations/{consultation.id}")
    assert f"/assistance/new?consultation={consultation.id}" in detail.text
    page = client.get(f"/assistance/new?consultation={consultation.id}")
    assert "The fee for your consultation" in page.text and "200.00 EUR" in page.text
    sent = client.post(
        "/assistance/new",
        data={
            "csrf_token": csrf_token(page.text),
            "consultation_id": str(consultation.id),
            "kind": "waiver",
            "reason": "My savings are gone.",
        },
    )
    assert sent.status_code == 302
    row = db.session.scalars(select(AssistanceRequest)).one()
    assert (row.consultation_id, row.specialist_id) == (consultation.id, doctor.id)
    decide(client, auth_header(admin), row.id, decision="approve", approved_cents=0)
    assert quotes.for_consultation(patient, consultation.id).amount_cents == 0
    # Another patient cannot ask about it: it is not theirs.
    other = auth_header(make_account())
    refused = client.post(
        "/api/v1/assistance-requests",
        json={"consultation_id": consultation.id, "kind": "waiver", "reason": "x"},
        headers=other,
    )
    assert refused.status_code == 404


def test_the_specialist_sees_what_the_fee_includes(client, doctor, sign_in):
    sign_in(doctor)
    page = client.get("/specialist/profile")
    assert "Patients see that it includes: The video consultation;" in page.text


def test_asking_twice_before_an_answer_is_refused_on_the_form(
    client, make_account, doctor, sign_in
):
    sign_in(make_account())
    url = f"/assistance/new?specialist={doctor.id}"
    data = {"specialist_id": str(doctor.id), "kind": "waiver", "reason": "No income."}
    first = client.post(
        "/assistance/new", data={**data, "csrf_token": csrf_token(client.get(url).text)}
    )
    assert first.status_code == 302
    again = client.post(
        "/assistance/new", data={**data, "csrf_token": csrf_token(client.get(url).text)}
    )
    assert again.status_code == 422
    assert "You have already asked about this fee" in again.text
    assert db.session.scalar(select(func.count()).select_from(AssistanceRequest)) == 1
    assert client.get("/assistance/new?specialist=abc").status_code == 404
