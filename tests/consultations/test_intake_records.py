"""Records uploaded while booking (issue 19.2): checked one by one, booked along, and kept
for the next attempt when the hold lapses, for seven days."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from telesecond.adapters import registry
from telesecond.adapters.storage import DocumentUnreadable
from telesecond.extensions import db
from telesecond.models import AuditEvent, Consultation, Document, IntakeDocument
from telesecond.services.consultations import intake_records
from tests.consultations.test_booking_pages import (
    ANSWERS,
    NEXT_SLOT,
    SLOT,
    SLOT_AT,
    consultations,
    hidden,
)
from tests.file_samples import MINIMAL_PDF, tiny_png
from tests.web_forms import csrf_token

EXE = b"MZ\x90\x00" + b"\x00" * 60  # a Windows program: not a record we accept


def _form(page_html: str, **changes) -> dict:
    form = {
        **ANSWERS,
        "csrf_token": csrf_token(page_html),
        "start": hidden(page_html, "start"),
        "hold_id": hidden(page_html, "hold_id"),
        "hold_expires": hidden(page_html, "hold_expires"),
        "attempt_started": hidden(page_html, "attempt_started"),
        "record_ids": re.findall(r'name="record_ids" value="(\d+)"', page_html),
        **changes,
    }
    return {k: v for k, v in form.items() if v is not None}


def send(client, page_html: str, specialist_id: int, files=(), **changes):
    """POST the booking form with ``files`` [(name, bytes)] in the records field.

    The body is encoded here: the test client spools a large one to a temporary file it
    never closes.
    """
    form = _form(page_html, **changes)
    form["records"] = [FileStorage(io.BytesIO(data), filename=name) for name, data in files]
    boundary, body = encode_multipart(MultiDict(form))
    return client.post(
        f"/book/{specialist_id}",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def kept() -> list[IntakeDocument]:
    db.session.expire_all()
    return list(db.session.scalars(select(IntakeDocument).order_by(IntakeDocument.id)))


def documents_of(consultation: Consultation) -> list[tuple[str, str]]:
    rows = db.session.scalars(
        select(Document).where(Document.consultation_id == consultation.id).order_by(Document.id)
    )
    return [(d.filename, d.kind) for d in rows]


def records_error(html: str) -> str:
    match = re.search(r'<ul class="field-errors" id="records-error">(.*?)</ul>', html, re.S)
    assert match, "no error beside the records field"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))).strip()


def test_two_records_sent_with_the_form_go_with_the_booking(
    client, signed_in_patient, make_new_york_specialist
):
    doctor = make_new_york_specialist()
    page = client.get(f"/book/{doctor.id}?start={SLOT}")
    assert "Step 6 of 9: Your medical records" in page.text
    assert 'type="file" id="records" name="records" multiple' in page.text

    response = send(
        client,
        page.text,
        doctor.id,
        files=[("biopsy report.pdf", MINIMAL_PDF), ("scan.png", tiny_png())],
        records_kind="pathology",
    )
    assert response.status_code == 302, response.text
    [consultation] = consultations()
    assert documents_of(consultation) == [
        ("biopsy report.pdf", "pathology"),
        ("scan.png", "pathology"),
    ]
    assert kept() == []  # moved, not copied
    # The stored bytes went along with the row.
    document = db.session.scalars(select(Document).order_by(Document.id)).first()
    assert registry.current().storage.get(document.storage_key) == MINIMAL_PDF
    uploads = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "document.uploaded")
    ).all()
    assert [e.detail["while_booking"] for e in uploads] == [True, True]
    assert all("biopsy" not in str(e.detail) for e in uploads)  # names stay out of the log


def test_a_bad_file_is_named_beside_the_field_and_the_good_one_is_kept(
    client, signed_in_patient, make_new_york_specialist
):
    doctor = make_new_york_specialist()
    page = client.get(f"/book/{doctor.id}?start={SLOT}")
    response = send(
        client, page.text, doctor.id, files=[("letter.pdf", MINIMAL_PDF), ("setup.exe", EXE)]
    )
    assert response.status_code == 422
    assert records_error(response.text).startswith(
        "Error: setup.exe was not uploaded: This type of file is not accepted."
    )
    assert 'aria-invalid="true"' in response.text.split('id="records"', 1)[1].split(">", 1)[0]
    assert '<a href="#records">setup.exe: This type of file is not accepted.' in response.text
    assert consultations() == []  # nothing booked while a chosen file failed
    [record] = kept()
    assert record.filename == "letter.pdf"
    assert f'name="record_ids" value="{record.id}"' in response.text

    # Sent again without the bad file, the kept one goes with the booking.
    booked = send(client, response.text, doctor.id)
    assert booked.status_code == 302, booked.text
    [consultation] = consultations()
    assert documents_of(consultation) == [("letter.pdf", "other")]


def test_a_file_over_the_limit_is_named_with_the_limit(
    app, client, signed_in_patient, make_new_york_specialist
):
    app.config.update(MAX_DOCUMENT_MB=1)
    doctor = make_new_york_specialist()
    page = client.get(f"/book/{doctor.id}?start={SLOT}")
    big = b"a" * (1024 * 1024 + 200_000)
    response = send(client, page.text, doctor.id, files=[("notes.txt", big)], action="upload")
    assert response.status_code == 422
    assert records_error(response.text) == (
        "Error: notes.txt was not uploaded: This file is 1.2 MB; each document may be at most 1 MB."
    )
    assert kept() == []


def test_upload_and_remove_buttons_work_without_scripts_and_keep_the_answers(
    client, signed_in_patient, make_new_york_specialist
):
    doctor = make_new_york_specialist()
    page = client.get(f"/book/{doctor.id}?start={SLOT}")
    uploaded = send(client, page.text, doctor.id, files=[("a.pdf", MINIMAL_PDF)], action="upload")
    assert uploaded.status_code == 200
    assert "Your records are uploaded." in uploaded.text
    assert "Invasive ductal carcinoma, stage IIA" in uploaded.text  # the answers stay
    [record] = kept()
    record_id, key = record.id, record.storage_key
    assert "Kept from your earlier attempt" not in uploaded.text  # uploaded in this one

    removed = send(client, uploaded.text, doctor.id, remove_record=str(record_id))
    assert removed.status_code == 200
    assert "The record is removed." in removed.text
    assert "Invasive ductal carcinoma, stage IIA" in removed.text
    assert kept() == [] and consultations() == []
    with pytest.raises(DocumentUnreadable):
        registry.current().storage.get(key)


def test_the_upload_script_gets_each_file_answered_in_json(
    client, signed_in_patient, make_new_york_specialist
):
    doctor = make_new_york_specialist()
    page = client.get(f"/book/{doctor.id}?start={SLOT}")
    token = csrf_token(page.text)
    good = client.post(
        f"/book/{doctor.id}/records",
        data={
            "csrf_token": token,
            "records_kind": "lab_results",
            "records": (io.BytesIO(MINIMAL_PDF), "labs.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert good.status_code == 200
    [record] = good.json["records"]
    assert (record["filename"], record["kind"], good.json["errors"]) == (
        "labs.pdf",
        "lab_results",
        [],
    )
    assert f'name="record_ids" value="{record["id"]}"' in record["html"]
    assert "Lab results" in record["html"]

    bad = client.post(
        f"/book/{doctor.id}/records",
        data={"csrf_token": token, "records": (io.BytesIO(EXE), "tool.exe")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert bad.json["records"] == []
    assert bad.json["errors"][0]["filename"] == "tool.exe"
    assert "This type of file is not accepted" in bad.json["errors"][0]["message"]
    # Without the form's token the upload is refused.
    refused = client.post(
        f"/book/{doctor.id}/records",
        data={"records": (io.BytesIO(MINIMAL_PDF), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert len(kept()) == 1


def test_a_specialist_cannot_upload_booking_records(client, make_new_york_specialist, sign_in):
    doctor = make_new_york_specialist()
    other = make_new_york_specialist(full_name="Dr Other", email="other@clinic.example")
    sign_in(other)
    page = client.get(f"/specialists/{doctor.id}")
    response = client.post(
        f"/book/{doctor.id}/records",
        data={"csrf_token": csrf_token(page.text), "records": (io.BytesIO(MINIMAL_PDF), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert kept() == []


def test_a_lapsed_hold_keeps_the_record_for_the_next_attempt(
    client, signed_in_patient, make_new_york_specialist, make_account, book_consultation, clock
):
    doctor = make_new_york_specialist()
    page = client.get(f"/book/{doctor.id}?start={SLOT}")
    uploaded = send(
        client, page.text, doctor.id, files=[("ct report.pdf", MINIMAL_PDF)], action="upload"
    )
    clock.advance(minutes=11)  # the hold lapses, and someone else books the time
    book_consultation(make_account(), doctor, start=SLOT_AT)

    taken = send(client, uploaded.text, doctor.id)
    assert taken.status_code == 409
    assert "This time was taken" in taken.text
    assert (
        "The record you uploaded is kept: it is offered again when you book another time, "
        "for 7 days. After that we delete it."
    ) in taken.text
    [record] = kept()
    assert record.patient_id == signed_in_patient.id

    # The next attempt offers it, marked as kept from the earlier one, and books it along.
    clock.advance(minutes=1)
    again = client.get(f"/book/{doctor.id}?start={NEXT_SLOT}")
    assert "ct report.pdf" in again.text
    assert "Kept from your earlier attempt" in again.text
    listed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "intake_document.listed")
    ).all()
    assert listed and listed[-1].actor_id == signed_in_patient.id
    booked = send(client, again.text, doctor.id)
    assert booked.status_code == 302, booked.text
    mine = [c for c in consultations() if c.patient_id == signed_in_patient.id]
    assert [documents_of(c) for c in mine] == [[("ct report.pdf", "other")]]
    assert kept() == []


def test_a_lapsed_hold_on_a_free_time_books_it_with_the_records(
    client, signed_in_patient, make_new_york_specialist, clock
):
    doctor = make_new_york_specialist()
    page = client.get(f"/book/{doctor.id}?start={SLOT}")
    clock.advance(minutes=11)
    response = send(client, page.text, doctor.id, files=[("a.pdf", MINIMAL_PDF)])
    assert response.status_code == 302, response.text
    [consultation] = consultations()
    assert documents_of(consultation) == [("a.pdf", "other")]


def test_kept_records_are_deleted_after_seven_days(signed_in_patient, clock):
    record = intake_records.upload(
        signed_in_patient, filename="old.pdf", kind="other", data=MINIMAL_PDF, now=clock()
    )
    key = record.storage_key
    assert intake_records.purge(clock() + timedelta(days=6, hours=23)) == 0
    assert len(kept()) == 1
    assert intake_records.purge(clock() + timedelta(days=7, minutes=1)) == 1
    assert kept() == []
    with pytest.raises(DocumentUnreadable):
        registry.current().storage.get(key)
    purged = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "intake_document.purged")
    ).all()
    assert [e.target_id for e in purged] == [str(record.id)]


def test_another_patients_record_ids_are_not_taken_along(
    client, signed_in_patient, make_new_york_specialist, make_account, clock
):
    doctor = make_new_york_specialist()
    stranger = make_account(full_name="Sam Stranger")
    theirs = intake_records.upload(
        stranger, filename="theirs.pdf", kind="other", data=MINIMAL_PDF, now=clock()
    )
    page = client.get(f"/book/{doctor.id}?start={SLOT}")
    assert "theirs.pdf" not in page.text
    response = send(client, page.text, doctor.id, record_ids=[str(theirs.id)])
    assert response.status_code == 302
    [consultation] = consultations()
    assert documents_of(consultation) == []
    assert [r.patient_id for r in kept()] == [stranger.id]
    removed = send(client, page.text, doctor.id, remove_record=str(theirs.id))
    assert removed.status_code == 404


@pytest.mark.parametrize(
    ("accept", "step", "kept_note"),
    [
        (
            "es",
            "Paso 6 de 9: Sus documentos médicos",
            "guardamos los documentos que subió durante 7 días",
        ),
        ("hi", "चरण 6 / 9: आपके मेडिकल रिकॉर्ड", "7 दिन रखते हैं"),
    ],
)
def test_the_records_step_speaks_the_patients_language(
    client, signed_in_patient, make_new_york_specialist, accept, step, kept_note
):
    doctor = make_new_york_specialist()
    page = client.get(f"/book/{doctor.id}?start={SLOT}", headers={"Accept-Language": accept})
    assert page.status_code == 200
    assert f'<html lang="{accept}">' in page.text
    assert step in page.text and kept_note in page.text
    assert '<div lang="en">' not in page.text.split("<main", 1)[1][:200]  # marked translated


def test_a_hold_for_another_time_is_explained_beside_the_other_errors(
    client, signed_in_patient, make_new_york_specialist
):
    doctor = make_new_york_specialist()
    page = client.get(f"/book/{doctor.id}?start={SLOT}")
    response = send(client, page.text, doctor.id, start=NEXT_SLOT, current_diagnosis="")
    assert response.status_code == 422
    assert "Your hold on this time has ended. Check your answers and send the form again" in (
        response.text
    )
    assert consultations() == []
