"""A consultation's medical documents: upload (multipart), list, download."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Response, g, jsonify, request, url_for

from telesecond.api import bp
from telesecond.api.auth import require_auth
from telesecond.api.openapi import documented
from telesecond.api.parsing import to_rfc3339
from telesecond.api.problems import ApiProblem
from telesecond.clock import utcnow
from telesecond.domain import filetypes
from telesecond.models import Document
from telesecond.models.record import DOCUMENT_KINDS
from telesecond.services.consultations import documents
from telesecond.services.errors import Invalid

# What a client may send as the file part (the server judges the content, not this).
UPLOAD_CONTENT_TYPES = ", ".join(
    (filetypes.PDF, filetypes.JPEG, filetypes.PNG, filetypes.DICOM, filetypes.TEXT)
)
# Downloads are never rendered in our origin: no scripts, no plugins, no framing.
DOWNLOAD_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"


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


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact name as RFC 5987 UTF-8."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    fallback = "".join("_" if c in '"\\' or not c.isprintable() else c for c in fallback)
    fallback = fallback.strip() or "document"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_response(document: Document, data: bytes) -> Response:
    """The decrypted file as a download that no browser or proxy renders or keeps."""
    mimetype = document.content_type
    if mimetype == "text/plain":
        mimetype = "text/plain; charset=utf-8"
    response = Response(data, status=200, content_type=mimetype)
    response.headers["Content-Disposition"] = content_disposition(document.filename)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


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
