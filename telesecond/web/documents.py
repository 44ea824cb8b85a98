"""Upload and download a consultation's documents from the HTML pages.

The list and upload form are the macro ``documents_panel`` in
``templates/documents/_panel.html``; the consultation pages include it.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from telesecond.clock import utcnow
from telesecond.domain import filetypes
from telesecond.http.files import file_response
from telesecond.models.record import DOCUMENT_KINDS
from telesecond.services.consultations import documents
from telesecond.services.errors import NotFound, ServiceError
from telesecond.web.helpers import current_account, safe_next

bp = Blueprint("documents", __name__)

KIND_LABELS = {
    "pathology": _l("Pathology report"),
    "imaging_report": _l("Imaging (report or images)"),
    "lab_results": _l("Lab results"),
    "clinical_notes": _l("Clinical notes or letters"),
    "other": _l("Something else"),
}


@bp.app_template_global("document_kinds")
def document_kinds() -> list[tuple[str, str]]:
    """(value, label) for every document kind, for the upload form's select."""
    return [
        (kind, str(KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())))
        for kind in DOCUMENT_KINDS
    ]


@bp.app_template_global("document_accept")
def document_accept() -> str:
    """The upload input's ``accept`` attribute (a hint only: the server judges content)."""
    return filetypes.ACCEPT_ATTRIBUTE


@bp.app_template_filter("file_size")
def file_size(size: int) -> str:
    """A byte count for people: 812 bytes, 14 KB, 2.3 MB."""
    if size < 1024:
        return _("%(num)s bytes", num=size)
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _message(error: ServiceError) -> str:
    details = [m for messages in error.errors.values() for m in messages]
    return " ".join(details) if details else error.detail


@bp.post("/consultations/<int:consultation_id>/documents")
@login_required
def upload(consultation_id: int):
    back = safe_next(request.form.get("next"), f"/consultations/{consultation_id}")
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        flash(_("Choose a file to upload."), "error")
        return redirect(back)
    try:
        documents.upload(
            current_account(),
            consultation_id,
            filename=sent.filename,
            kind=request.form.get("kind", ""),
            data=sent.read(),
            ip=request.remote_addr,
            now=utcnow(),
        )
    except NotFound:
        raise
    except ServiceError as error:
        flash(_message(error), "error")
    else:
        # Not the file name: flashes ride in the session cookie, and names can be PHI.
        if current_user.role == "specialist":
            flash(_("Your document is uploaded. Only you and the patient can see it."), "success")
        else:
            flash(
                _("Your document is uploaded. Only you and the specialist can see it."), "success"
            )
    return redirect(back)


@bp.get("/consultations/<int:consultation_id>/documents/<int:document_id>")
@login_required
def download(consultation_id: int, document_id: int):
    document, data = documents.read(
        current_account(),
        consultation_id,
        document_id,
        ip=request.remote_addr,
    )
    return file_response(document, data)
