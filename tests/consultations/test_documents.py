"""Documents of a consultation: upload, list and download, through the API and the pages."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import pytest
from flask import render_template_string
from sqlalchemy import event, func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from telesecond.adapters.storage import (
    DocumentUnreadable,
    EncryptedFileStore,
    MemoryDocumentStore,
)
from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.models import AuditEvent, Document
from telesecond.services.consultations import access, booking, documents
from tests.file_samples import DISGUISED, HTML, SAMPLES, TEXT_FILE
from tests.web_forms import csrf_token

MB = 1024 * 1024
# Half-hour consultations on weekdays in Berlin, an hour's notice, licensed in DE only.
DOCTOR = {
    "consultation": 30,
    "notice": 60,
    "horizon": 30,
    "profile": {"languages": ["en"], "licensed_regions": ["DE"], "bio": ""},
}


@pytest.fixture
def book_next_slot(make_specialist, make_account, book_consultation):
    """Book a consultation; each takes a later free slot, so one patient can have several."""
    taken = iter(range(100))

    def factory(patient=None, doctor=None):
        patient = patient or make_account()
        doctor = doctor or make_specialist(**DOCTOR)
        return book_consultation(patient, doctor, n=next(taken))

    return factory


@pytest.fixture
def case(book_next_slot, make_account, make_specialist, auth_header):
    """A consultation, its patient and specialist, and their API headers."""
    patient, doctor = make_account(), make_specialist(**DOCTOR)
    consultation = book_next_slot(patient, doctor)

    class Case:
        id = consultation.id
        url = f"/api/v1/consultations/{consultation.id}/documents"

    Case.patient, Case.doctor = patient, doctor
    Case.patient_headers, Case.doctor_headers = auth_header(patient), auth_header(doctor)
    return Case


def multipart(client, url, fields: dict, headers=None):
    """POST ``fields`` as multipart/form-data (bytes values become files).

    The body is encoded here rather than by the test client, which spools large bodies
    to a temporary file it never closes.
    """
    values = {
        name: FileStorage(io.BytesIO(value[0]), filename=value[1])
        if isinstance(value, tuple)
        else value
        for name, value in fields.items()
        if value is not None
    }
    boundary, body = encode_multipart(values)
    return client.post(
        url,
        headers=headers or {},
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def send(client, url, headers, data, filename="report.pdf", kind="pathology"):
    """Upload ``data`` through the API."""
    return multipart(client, url, {"file": (data, filename), "kind": kind}, headers)


def stored_files(app) -> list[Path]:
    return [p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()]


def audits(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by("id"))
    )


def document_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Document))


# -- upload ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLES)
def test_each_accepted_type_uploads_and_downloads_unchanged(client, case, name):
    data, content_type = SAMPLES[name]
    response = send(client, case.url, case.patient_headers, data, filename=name)
    assert response.status_code == 201, response.text
    body = response.get_json()
    assert body["content_type"] == content_type
    assert body["filename"] == name
    assert body["size"] == len(data)
    assert body["kind"] == "pathology"
    assert body["uploaded_by"] == {"id": case.patient.id, "full_name": case.patient.full_name}
    assert body["created_at"] == "2026-03-02T09:00:00Z"
    assert len(body["sha256"]) == 64
    assert response.headers["Location"].endswith(f"{case.url}/{body['id']}")

    download = client.get(f"{case.url}/{body['id']}", headers=case.patient_headers)
    assert download.status_code == 200
    assert download.data == data
    assert download.mimetype == content_type
    assert download.headers["Cache-Control"] == "no-store"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"] == (
        f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    )


def test_the_type_comes_from_the_content_not_the_name(client, case):
    png, _ = SAMPLES["scan.png"]
    body = send(client, case.url, case.patient_headers, png, filename="scan.jpg").get_json()
    assert body["content_type"] == "image/png"
    assert body["filename"] == "scan.png"


@pytest.mark.parametrize("name", ["elf", "windows-exe", "html", "svg", "gif", "latin-1", "nul"])
def test_a_disguised_file_is_refused_with_415(client, app, case, name):
    response = send(client, case.url, case.patient_headers, DISGUISED[name], "report.pdf")
    assert response.status_code == 415
    assert response.mimetype == "application/problem+json"
    assert "PDF, JPEG, PNG, DICOM or plain text" in response.get_json()["detail"]
    assert stored_files(app) == [] and document_count() == 0


def test_text_named_like_a_pdf_is_refused(client, case):
    response = send(client, case.url, case.patient_headers, TEXT_FILE, "report.pdf")
    assert response.status_code == 415
    assert ".txt" in response.get_json()["detail"]


def test_names_from_clients_are_made_safe(client, case):
    pdf, _ = SAMPLES["report.pdf"]
    body = send(client, case.url, case.patient_headers, pdf, "../../etc/Befund Müller.pdf")
    document = body.get_json()
    assert document["filename"] == "Befund Müller.pdf"
    download = client.get(f"{case.url}/{document['id']}", headers=case.patient_headers)
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=\"Befund Muller.pdf\"; filename*=UTF-8''Befund%20M%C3%BCller.pdf"
    )


def test_a_document_over_the_size_limit_is_413(make_app, clock, case):
    client = make_app(CLOCK=clock, MAX_DOCUMENT_MB=1).test_client()
    exactly = send(client, case.url, case.patient_headers, b"a" * MB, "big.txt")
    assert exactly.status_code == 201, exactly.text
    over = send(client, case.url, case.patient_headers, b"a" * (MB + 1), "big.txt")
    assert over.status_code == 413
    assert over.mimetype == "application/problem+json"
    assert "at most 1 MB" in over.get_json()["detail"]


def test_a_body_over_max_content_length_is_413_problem(make_app, clock, case):
    client = make_app(CLOCK=clock, MAX_CONTENT_MB=1).test_client()
    response = send(client, case.url, case.patient_headers, b"a" * (2 * MB), "big.txt")
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_the_consultation_total_limit_is_413(app, client, case, book_next_slot):
    app.config.update(MAX_DOCUMENT_MB=1, MAX_CONSULTATION_DOCUMENTS_MB=1)
    part = b"b" * (600 * 1024)
    assert send(client, case.url, case.patient_headers, part, "a.txt").status_code == 201
    refused = send(client, case.url, case.doctor_headers, part, "b.txt")
    assert refused.status_code == 413
    assert "left" in refused.get_json()["detail"]
    small = send(client, case.url, case.doctor_headers, b"c" * (400 * 1024), "c.txt")
    assert small.status_code == 201  # 1000 KiB in all, still within 1 MiB
    # Another consultation has its own allowance.
    other = book_next_slot(case.patient)
    response = send(
        client, f"/api/v1/consultations/{other.id}/documents", case.patient_headers, part, "d.txt"
    )
    assert response.status_code == 201
    assert document_count() == 3


def test_concurrent_uploads_cannot_overrun_the_total(app, case):
    app.config.update(MAX_DOCUMENT_MB=1, MAX_CONSULTATION_DOCUMENTS_MB=1)
    part = b"e" * (400 * 1024)
    start = threading.Barrier(4)
    statuses: list[int] = []

    def upload_one(n: int) -> None:
        client = app.test_client()
        start.wait()
        statuses.append(send(client, case.url, case.patient_headers, part, f"{n}.txt").status_code)

    threads = [threading.Thread(target=upload_one, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 201, 413, 413]
    assert document_count() == 2
    assert len(stored_files(app)) == 2


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"file": (b"hello", "a.txt"), "kind": "xray"}, "kind"),
        ({"file": (b"hello", "a.txt"), "kind": "pathology\x00"}, "kind"),
        ({"file": (b"hello", "a.txt")}, "kind"),
        ({"kind": "pathology"}, "file"),
        ({"file": (b"", "a.txt"), "kind": "pathology"}, "file"),
    ],
)
def test_missing_or_bad_fields_are_422(client, case, form, field):
    response = multipart(client, case.url, form, case.patient_headers)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_a_json_body_is_415(client, case):
    response = client.post(case.url, headers=case.patient_headers, json={"kind": "other"})
    assert response.status_code == 415
    assert response.mimetype == "application/problem+json"


def test_a_cancelled_consultation_takes_no_uploads_but_keeps_its_documents(client, case, clock):
    pdf, _ = SAMPLES["report.pdf"]
    first = send(client, case.url, case.patient_headers, pdf).get_json()
    booking.cancel(case.patient, case.id, reason="", now=clock(), cutoff_hours=0)
    assert send(client, case.url, case.patient_headers, pdf).status_code == 409
    listed = client.get(case.url, headers=case.doctor_headers).get_json()["items"]
    assert [d["id"] for d in listed] == [first["id"]]
    download = client.get(f"{case.url}/{first['id']}", headers=case.doctor_headers)
    assert download.data == pdf


def test_a_failed_commit_leaves_no_stored_file(app, case):
    store = MemoryDocumentStore()
    session = db.session()

    def refuse(_session):
        raise RuntimeError("database went away")

    event.listen(session, "before_commit", refuse)
    try:
        with pytest.raises(RuntimeError):
            documents.upload(
                case.patient,
                case.id,
                filename="a.txt",
                kind="other",
                data=b"hello",
                store=store,
                now=utcnow(),
            )
    finally:
        event.remove(session, "before_commit", refuse)
    assert store.blobs == {}
    assert document_count() == 0


def test_an_upload_needs_a_token(client, case):
    assert send(client, case.url, {}, b"hello", "a.txt").status_code == 401


# -- who may see what --------------------------------------------------------------------


def test_another_patient_gets_404_everywhere(client, case, make_account, auth_header):
    pdf, _ = SAMPLES["report.pdf"]
    document = send(client, case.url, case.patient_headers, pdf).get_json()
    stranger = auth_header(make_account())
    assert client.get(case.url, headers=stranger).status_code == 404
    assert send(client, case.url, stranger, pdf).status_code == 404
    response = client.get(f"{case.url}/{document['id']}", headers=stranger)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert pdf not in response.data
    assert document_count() == 1


def test_the_consultations_specialist_can_list_and_read(client, case):
    png, _ = SAMPLES["scan.png"]
    document = send(client, case.url, case.patient_headers, png, "scan.png").get_json()
    listed = client.get(case.url, headers=case.doctor_headers)
    assert listed.status_code == 200
    assert listed.get_json() == {"items": [document], "next": None}
    read = client.get(f"{case.url}/{document['id']}", headers=case.doctor_headers)
    assert read.status_code == 200 and read.data == png


def test_a_specialist_of_another_consultation_gets_404(
    client, case, book_next_slot, make_specialist, auth_header
):
    other_doctor = make_specialist(**DOCTOR)
    book_next_slot(doctor=other_doctor)
    headers = auth_header(other_doctor)
    document = send(client, case.url, case.patient_headers, TEXT_FILE, "n.txt").get_json()
    assert client.get(case.url, headers=headers).status_code == 404
    assert client.get(f"{case.url}/{document['id']}", headers=headers).status_code == 404
    assert send(client, case.url, headers, TEXT_FILE, "n.txt").status_code == 404


def test_a_document_of_another_consultation_is_404(client, case, book_next_slot):
    other = book_next_slot(case.patient)
    document = send(
        client,
        f"/api/v1/consultations/{other.id}/documents",
        case.patient_headers,
        TEXT_FILE,
        "n.txt",
    ).get_json()
    response = client.get(f"{case.url}/{document['id']}", headers=case.patient_headers)
    assert response.status_code == 404
    assert client.get(f"{case.url}/999999", headers=case.patient_headers).status_code == 404


# -- encryption at rest and integrity ----------------------------------------------------


def test_the_file_on_disk_is_encrypted(app, client, case):
    secret = b"Diagnosis: stage II adenocarcinoma. Name: Erika Mustermann.\n"
    document = send(client, case.url, case.patient_headers, secret, "notes.txt").get_json()
    [path] = stored_files(app)
    raw = path.read_bytes()
    assert secret not in raw and b"adenocarcinoma" not in raw
    row = db.session.get(Document, document["id"])
    assert path.name == row.storage_key
    assert row.filename not in path.as_posix()
    with pytest.raises(DocumentUnreadable):
        EncryptedFileStore(app.config["UPLOAD_DIR"], os.urandom(32)).get(row.storage_key)


def test_a_tampered_file_is_never_served(app, client, case):
    secret = b"Lab results: HbA1c 9.1 %\n"
    document = send(client, case.url, case.patient_headers, secret, "lab.txt").get_json()
    [path] = stored_files(app)
    raw = bytearray(path.read_bytes())
    raw[20] ^= 0x01
    path.write_bytes(bytes(raw))
    response = client.get(f"{case.url}/{document['id']}", headers=case.patient_headers)
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert secret not in response.data and b"HbA1c" not in response.data
    assert "cannot be opened" in response.get_json()["detail"]
    assert "Traceback" not in response.text
    assert audits("document.viewed") == []
    [alert] = audits("document.unreadable")
    assert alert.target_id == str(document["id"])


def test_a_missing_file_is_never_served_either(app, client, case):
    document = send(client, case.url, case.patient_headers, TEXT_FILE, "n.txt").get_json()
    [path] = stored_files(app)
    path.unlink()
    response = client.get(f"{case.url}/{document['id']}", headers=case.patient_headers)
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"


# -- audit -------------------------------------------------------------------------------


def test_every_read_is_audited(client, case):
    document = send(client, case.url, case.patient_headers, TEXT_FILE, "n.txt").get_json()
    [uploaded] = audits("document.uploaded")
    assert uploaded.actor_id == case.patient.id
    assert uploaded.target_type == "document" and uploaded.target_id == str(document["id"])
    assert uploaded.detail == {
        "consultation_id": case.id,
        "kind": "pathology",
        "size": len(TEXT_FILE),
    }

    url = f"{case.url}/{document['id']}"
    client.get(url, headers=case.patient_headers)
    client.get(url, headers=case.doctor_headers)
    client.get(url, headers=case.doctor_headers)
    viewed = audits("document.viewed")
    assert [(e.actor_id, e.target_type, e.target_id) for e in viewed] == [
        (case.patient.id, "document", str(document["id"])),
        (case.doctor.id, "document", str(document["id"])),
        (case.doctor.id, "document", str(document["id"])),
    ]
    assert all(e.detail == {"consultation_id": case.id} for e in viewed)
    assert all(e.ip == "127.0.0.1" for e in viewed)

    client.get(case.url, headers=case.doctor_headers)
    [listed] = audits("document.listed")
    assert (listed.actor_id, listed.target_type, listed.target_id) == (
        case.doctor.id,
        "consultation",
        str(case.id),
    )


def test_audit_details_never_hold_file_names(client, case):
    send(client, case.url, case.patient_headers, TEXT_FILE, "left-breast-biopsy.txt")
    db.session.expire_all()
    for entry in db.session.scalars(select(AuditEvent)):
        assert "biopsy" not in repr(entry.detail)


def test_the_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    documents_path = "/consultations/{consultation_id}/documents"
    assert {"get", "post"} <= set(paths[documents_path])
    assert {"413", "415", "422"} <= set(paths[documents_path]["post"]["responses"])
    assert "get" in paths[documents_path + "/{document_id}"]


# -- HTML pages --------------------------------------------------------------------------


@pytest.fixture
def signed_in_token(client, sign_in):
    """Sign ``client`` in as an account through the login form; return a fresh CSRF token."""

    def factory(account) -> str:
        sign_in(account)
        return csrf_token(client.get("/").text)

    return factory


def post_form(
    client, consultation_id, token, data, filename="scan.png", kind="imaging_report", next_url="/"
):
    fields = {"file": (data, filename), "kind": kind, "next": next_url, "csrf_token": token}
    return multipart(client, f"/consultations/{consultation_id}/documents", fields)


def test_the_upload_form_stores_and_goes_back(client, case, signed_in_token):
    png, _ = SAMPLES["scan.png"]
    token = signed_in_token(case.patient)
    response = post_form(client, case.id, token, png, next_url="/specialists?x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/specialists?x=1"
    assert "Your document is uploaded" in client.get("/").text
    db.session.expire_all()
    [row] = db.session.scalars(select(Document))
    assert (row.kind, row.content_type) == ("imaging_report", "image/png")


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "", None])
def test_the_upload_form_only_goes_back_to_local_pages(client, case, signed_in_token, next_url):
    token = signed_in_token(case.patient)
    response = post_form(client, case.id, token, TEXT_FILE, "n.txt", next_url=next_url)
    assert response.headers["Location"] == f"/consultations/{case.id}"


def test_the_upload_form_flashes_refusals(client, case, signed_in_token):
    token = signed_in_token(case.patient)
    response = post_form(client, case.id, token, HTML, "report.pdf")
    assert response.status_code == 302
    page = client.get("/").text
    assert "notice-error" in page and "This type of file is not accepted" in page
    assert document_count() == 0


def test_the_upload_form_needs_its_csrf_token(client, case, signed_in_token):
    signed_in_token(case.patient)
    assert post_form(client, case.id, None, TEXT_FILE, "n.txt").status_code == 400
    assert document_count() == 0


def test_the_pages_hide_other_peoples_documents(client, case, signed_in_token, make_account):
    document = send(client, case.url, case.patient_headers, TEXT_FILE, "n.txt").get_json()
    token = signed_in_token(make_account())
    assert post_form(client, case.id, token, TEXT_FILE, "n.txt").status_code == 404
    url = f"/consultations/{case.id}/documents/{document['id']}"
    response = client.get(url)
    assert response.status_code == 404 and TEXT_FILE not in response.data


def test_the_download_page_serves_the_file_and_audits(client, case, signed_in_token):
    document = send(client, case.url, case.patient_headers, TEXT_FILE, "n.txt").get_json()
    signed_in_token(case.doctor)
    response = client.get(f"/consultations/{case.id}/documents/{document['id']}")
    assert response.status_code == 200
    assert response.data == TEXT_FILE
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    [viewed] = audits("document.viewed")
    assert viewed.actor_id == case.doctor.id


def test_the_pages_need_a_signed_in_person(client, case):
    response = client.get(f"/consultations/{case.id}/documents/1")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_panel_lists_documents_and_offers_the_upload_form(app, client, case, clock):
    send(client, case.url, case.patient_headers, TEXT_FILE, "Befund <b>.txt")
    with app.test_request_context("/"):
        consultation = access.get_for(case.patient, case.id)
        found = documents.list_for(case.patient, case.id)
        source = (
            '{% from "documents/_panel.html" import documents_panel %}'
            "{{ documents_panel(c, docs, 'tok123', '/back') }}"
        )
        html = render_template_string(source, c=consultation, docs=found)
        assert f'href="/consultations/{case.id}/documents/{found[0].id}"' in html
        assert "Befund _b_.txt" in html
        assert "Pathology report" in html
        assert f"{len(TEXT_FILE)} bytes" in html
        assert "Mon 02 Mar 2026, 09:00 (UTC" in html
        assert 'accept=".pdf,.jpg,.jpeg,.png,.txt,.dcm"' in html
        assert 'name="csrf_token" value="tok123"' in html
        assert 'name="next" value="/back"' in html
        assert 'enctype="multipart/form-data"' in html
        assert html.count("<option") == 5

        consultation.status = "cancelled"
        closed = render_template_string(source, c=consultation, docs=[])
        assert "<form" not in closed and "No documents" in closed
        db.session.rollback()
