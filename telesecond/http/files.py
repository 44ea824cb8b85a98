"""Downloads both layers serve: a consultation's documents, its calendar invite and the
signed opinion as a PDF."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Response

from telesecond.models import Document
from telesecond.services.calendar.downloads import InviteFile

# Downloads are never rendered in our origin: no scripts, no plugins, no framing.
DOWNLOAD_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"


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


def invite_response(invite: InviteFile) -> Response:
    """An invite as a private ``text/calendar`` download."""
    response = Response(invite.data, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{invite.filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def pdf_response(data: bytes, filename: str) -> Response:
    """A PDF we made, as a private download that no browser or proxy keeps."""
    response = Response(data, status=200, content_type="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    return response
