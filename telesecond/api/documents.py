"""A consultation's medical documents: upload (multipart), list, download."""

from __future__ import annotations

from flask import g, jsonify, request, url_for

from telesecond.api.auth import require_auth
from telesecond.api.blueprint import bp
from telesecond.api.openapi import documented
from telesecond.clock import utcnow
from telesecond.domain import filetypes
from telesecond.domain.instants import to_rfc3339
from telesecond.http.files import file_response
from telesecond.http.problems import ApiProblem
from telesecond.models import Document
from telesecond.models.record import DOCUMENT_KINDS
from telesecond.services.consultations import documents
from telesecond.services.errors import Invalid

# What a client may send as the file part (the server judges the content, not this).
UPLOAD_CONTENT_TYPES = ", ".join(
    (filetypes.PDF, filetypes.JPEG, filetypes.PNG, filetypes.DICOM, filetypes.TEXT)
)


def document_json(document: Document) -> dict:
    """A document's metadata (its file name is health information: list views audit)."""
    return {
        "id": document.id,
        "consultation_id": document.consultation_id,
        "kind": document.kind,
        "filename": document.filename,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "created_at": to_rfc3339(document.created_at),
        "uploaded_by": {
            "id": document.uploaded_by.id,
            "full_name": document.uploaded_by.full_name,
        },
        "url": url_for(
            "api.get_document",
            consultation_id=document.consultation_id,
            document_id=document.id,
        ),
    }


@bp.post("/consultations/<int:consultation_id>/documents")
@documented(
    "Upload a document (multipart/form-data: file, kind)",
    body="DocumentUpload",
    body_type="multipart/form-data",
    encoding={"file": {"contentType": UPLOAD_CONTENT_TYPES}},
    ok="201",
    response="Document",
    errors=("400", "404", "409", "413", "415", "422"),
)
@require_auth()
def upload_document(consultation_id: int):
    if request.mimetype != "multipart/form-data":
        raise ApiProblem(415, "Send the document as multipart/form-data with file and kind.")
    upload = request.files.get("file")
    kind = request.form.get("kind")
    errors: dict[str, list[str]] = {}
    if upload is None:
        errors["file"] = ["Attach the document as the form field file."]
    if not kind:
        errors["kind"] = [f"Choose one of {', '.join(DOCUMENT_KINDS)}."]
    if errors or upload is None or kind is None:
        raise Invalid("Some fields need attention.", errors)
    document = documents.upload(
        g.api_account,
        consultation_id,
        filename=upload.filename or "",
        kind=kind,
        data=upload.read(),
        ip=request.remote_addr,
        now=utcnow(),
    )
    response = jsonify(document_json(document))
    response.status_code = 201
    response.headers["Location"] = url_for(
        "api.get_document", consultation_id=consultation_id, document_id=document.id
    )
    return response


@bp.get("/consultations/<int:consultation_id>/documents")
@documented("The consultation's documents (audited)", response="DocumentPage", errors=("404",))
@require_auth()
def list_documents(consultation_id: int):
    found = documents.list_for(g.api_account, consultation_id, ip=request.remote_addr)
    return jsonify({"items": [document_json(d) for d in found], "next": None})


@bp.get("/consultations/<int:consultation_id>/documents/<int:document_id>")
@documented("Download one document's file (audited)", errors=("404",))
@require_auth()
def get_document(consultation_id: int, document_id: int):
    document, data = documents.read(
        g.api_account, consultation_id, document_id, ip=request.remote_addr
    )
    return file_response(document, data)
