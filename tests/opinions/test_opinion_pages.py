"""The opinion in the browser: the specialist's form, the printable page, sharing, admin."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.models import AuditEvent, Opinion
from telesecond.services.consultations import booking
from telesecond.services.opinions import second_opinion
from tests.credentials import PASSWORD
from tests.opinions.scenario import BODY, PHYSICIAN, QUESTIONS, SUMMARY
from tests.web_forms import csrf_token


def edit_url(consultation) -> str:
    return f"/consultations/{consultation.id}/opinion/edit"


def view_url(consultation) -> str:
    return f"/consultations/{consultation.id}/opinion"


def written(consultation, **changes) -> Opinion:
    return second_opinion.write(
        consultation.specialist, consultation.id, ip=None, **{**BODY, **changes}, now=utcnow()
    )


def form_data(**changes) -> dict:
    return {
        "diagnosis_assessment": "agrees",
        "summary": "I agree with the plan.",
        "answers": ["Yes, within a month.", "No."],
        "recommendations": "Proceed as planned.",
        **changes,
    }


def test_the_specialist_writes_the_opinion_through_the_form(client, submit, sign_in, consultation):
    sign_in(consultation.specialist)
    page = client.get(edit_url(consultation))
    assert page.status_code == 200
    for number, question in enumerate(QUESTIONS, 1):
        assert f'<label for="answer-{number}">{number}. {html.escape(question)}' in page.text
    assert page.text.count('name="answers"') == 2

    response = submit(edit_url(consultation), form_data())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(view_url(consultation))
    db.session.expire_all()
    opinion = db.session.get(Opinion, consultation.id)
    assert opinion.diagnosis_assessment == "agrees"
    assert opinion.summary == "I agree with the plan."
    assert opinion.answers == [
        {"question": QUESTIONS[0], "answer": "Yes, within a month."},
        {"question": QUESTIONS[1], "answer": "No."},
    ]
    assert opinion.recommendations == "Proceed as planned."


def test_the_form_shows_every_problem_and_keeps_what_was_typed(
    client, submit, sign_in, consultation
):
    sign_in(consultation.specialist)
    response = submit(edit_url(consultation), form_data(summary="", answers=["Kept answer.", "  "]))
    assert response.status_code == 422
    assert "Write a summary." in response.text
    beside = re.search(
        r'<ul class="field-errors" id="answer-2-error">(.*?)</ul>', response.text, re.S
    )
    assert beside and "Write the answer to question 2." in beside.group(1)
    # Once beside the question and once in the summary at the top, never twice there.
    assert response.text.count("Write the answer to question 2.") == 2
    assert 'id="answer-1-error"' not in response.text
    assert "Kept answer.</textarea>" in response.text
    assert db.session.get(Opinion, consultation.id) is None

    response = submit(edit_url(consultation), form_data(diagnosis_assessment=""))
    assert response.status_code == 422
    assert "Choose one." in response.text


def test_a_tampered_number_of_answers_is_refused(client, submit, sign_in, consultation):
    sign_in(consultation.specialist)
    response = submit(edit_url(consultation), form_data(answers=["One.", "Two.", "Three."]))
    assert response.status_code == 422
    assert "one answer for each of the patient&#39;s 2 questions" in response.text
    assert db.session.get(Opinion, consultation.id) is None


def test_a_cancelled_consultation_cannot_get_an_opinion(client, sign_in, consultation, clock):
    booking.cancel(
        consultation.specialist, consultation.id, reason="", now=clock(), cutoff_hours=24
    )
    sign_in(consultation.specialist)
    assert client.get(edit_url(consultation)).status_code == 409


def test_the_editor_shows_the_saved_opinion(client, sign_in, consultation):
    written(consultation, recommendations="Biopsy first.")
    sign_in(consultation.specialist)
    page = client.get(edit_url(consultation))
    assert page.status_code == 200
    assert "Revise the second opinion" in page.text
    assert re.search(r'value="refines"[^>]*checked|checked[^>]*value="refines"', page.text)
    assert "Not urgently: within four weeks is safe.</textarea>" in page.text
    assert "Biopsy first.</textarea>" in page.text


def test_only_the_specialist_opens_the_editor(client, sign_in, consultation, make_account):
    sign_in(consultation.patient)
    assert client.get(edit_url(consultation)).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").text)})
    sign_in(make_account(role="specialist"))
    assert client.get(edit_url(consultation)).status_code == 404


def test_signed_out_visitors_are_sent_to_log_in(client, consultation):
    response = client.get(view_url(consultation))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_patient_reads_a_printable_opinion(client, sign_in, consultation):
    written(consultation)
    sign_in(consultation.patient)
    page = client.get(view_url(consultation))
    assert page.status_code == 200
    text = page.text
    assert "Dr Lena Brandt" in text
    assert "Refines the current diagnosis" in text
    assert html.escape(SUMMARY) in text
    for question in QUESTIONS:
        assert html.escape(question) in text
    assert "Ask for a sentinel node biopsy.</p>" in text  # paragraphs kept apart
    assert re.search(
        r'<button type="button"[^>]*data-print[^>]*>Print or save as PDF</button>', text
    )
    assert "js/print.js" in text
    assert "<script>" not in text  # no inline script: the CSP forbids it
    assert f"Send to my doctor ({PHYSICIAN})" in text
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "opinion.viewed"))
    assert [e.actor_id for e in events] == [consultation.patient_id]


def test_no_send_button_without_consent_or_for_the_specialist(client, sign_in, book_for_opinion):
    private = book_for_opinion(share_with_physician=False)
    written(private)
    sign_in(private.patient)
    assert "Send to my doctor" not in client.get(view_url(private)).text
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").text)})
    sign_in(private.specialist)
    page = client.get(view_url(private))
    assert "Send to my doctor" not in page.text
    assert "Revise the opinion" in page.text


def test_the_page_is_404_until_written(client, sign_in, consultation):
    sign_in(consultation.patient)
    assert client.get(view_url(consultation)).status_code == 404


def test_the_patient_sends_it_to_their_doctor(make_app, smtp_server, clock, consultation):
    written(consultation)
    client = make_app(CLOCK=clock, **smtp_server.app_config()).test_client()
    login = client.get("/login")
    client.post(
        "/login",
        data={
            "email": consultation.patient.email,
            "password": PASSWORD,
            "csrf_token": csrf_token(login.text),
        },
    )
    page = client.get(view_url(consultation))
    response = client.post(
        f"/consultations/{consultation.id}/opinion/send",
        data={"csrf_token": csrf_token(page.text)},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "The opinion was sent to your doctor." in response.text
    assert "Send again to my doctor" in response.text
    [message] = smtp_server.wait_for(1)
    assert message.rcpt_tos == (PHYSICIAN,)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert SUMMARY not in text  # a link to the opinion, not the opinion
    assert "http://localhost/opinions/shared/" in text


def test_sending_without_consent_explains_why(client, sign_in, book_for_opinion):
    private = book_for_opinion(share_with_physician=False)
    written(private)
    sign_in(private.patient)
    token = csrf_token(client.get(view_url(private)).text)
    response = client.post(
        f"/consultations/{private.id}/opinion/send",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "did not ask for the opinion to be shared" in response.text
    db.session.expire_all()
    assert db.session.get(Opinion, private.id).sent_to_physician_at is None


def test_the_admin_page_shows_counts_and_shares(client, sign_in, make_account, book_for_opinion):
    first = book_for_opinion()
    second = book_for_opinion(specialist=first.specialist)
    third = book_for_opinion(specialist=first.specialist)
    written(first, diagnosis_assessment="agrees")
    written(second, diagnosis_assessment="agrees")
    written(third, diagnosis_assessment="differs")
    sign_in(make_account(role="admin"))
    page = client.get("/admin/opinions")
    assert page.status_code == 200
    rows = {
        key: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for key, row in re.findall(r'<tr id="assessment-(\w+)">(.*?)</tr>', page.text, re.S)
    }
    assert rows == {
        "agrees": "Agrees with the current diagnosis 2 66.7%",
        "refines": "Refines the current diagnosis 0 0.0%",
        "differs": "Differs from the current diagnosis 1 33.3%",
    }
    assert "3 written opinions" in page.text


def test_the_admin_page_is_for_admins(client, sign_in, make_account):
    sign_in(make_account(role="specialist"))
    assert client.get("/admin/opinions").status_code == 403
