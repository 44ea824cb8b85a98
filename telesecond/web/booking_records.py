"""The records step of the booking page: files uploaded while the time is held.

Without scripts the files ride with the booking form (or its "Upload" button); with
``static/js/intake-records.js`` each file goes on its own as soon as it is chosen, with
its progress shown. Either way each file is checked alone: a bad one is named with its
error beside the field, and the good ones are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import request
from flask_babel import gettext as _

from telesecond.clock import utcnow
from telesecond.models import Account, IntakeDocument
from telesecond.models.base import MAX_ID
from telesecond.services.consultations import intake_records
from telesecond.services.errors import ServiceError

FILES_FIELD = "records"
KIND_FIELD = "records_kind"
IDS_FIELD = "record_ids"
REMOVE_FIELD = "remove_record"


@dataclass(frozen=True)
class FileError:
    """Why one chosen file was not kept."""

    filename: str
    message: str


def _message(error: ServiceError) -> str:
    details = [m for messages in error.errors.values() for m in messages]
    return " ".join(details) if details else error.detail


def _number(text: str | None) -> int | None:
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        return None
    return int(text) if int(text) <= MAX_ID else None


def posted_ids() -> list[int]:
    """The kept records the form lists (they go with the booking)."""
    return [n for n in map(_number, request.form.getlist(IDS_FIELD)) if n is not None]


def removal() -> int | None:
    """The record a "Remove" button asked to delete, if one was pressed."""
    return _number(request.form.get(REMOVE_FIELD))


def upload_posted(patient: Account) -> tuple[list[IntakeDocument], list[FileError]]:
    """Keep every file posted in the records field; the ones refused with their reasons."""
    kind = request.form.get(KIND_FIELD) or "other"
    kept, refused = [], []
    for sent in request.files.getlist(FILES_FIELD):
        if sent is None or not sent.filename:
            continue
        try:
            data = sent.read()
        finally:
            sent.close()  # a large file is spooled to disk: let it go now
        try:
            kept.append(
                intake_records.upload(
                    patient,
                    filename=sent.filename,
                    kind=kind,
                    data=data,
                    now=utcnow(),
                    ip=request.remote_addr,
                )
            )
        except ServiceError as error:
            refused.append(FileError(_shown_name(sent.filename), _message(error)))
    return kept, refused


def _shown_name(filename: str) -> str:
    """The chosen file's name as the error names it (no path; not too long)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or _("the file")
    return name if len(name) <= 80 else name[:77] + "…"


@dataclass(frozen=True)
class RecordRow:
    """A kept record as the records step lists it."""

    id: int
    filename: str
    kind: str
    size: int
    earlier: bool  # kept from an earlier attempt at booking


def rows(patient: Account, attempt_started: datetime | None) -> list[RecordRow]:
    """The patient's kept records (an audited listing), marked when from an earlier try."""
    if patient.role != "patient":
        return []
    return [
        RecordRow(
            r.id,
            r.filename,
            r.kind,
            r.size,
            attempt_started is not None and r.created_at < attempt_started,
        )
        for r in intake_records.kept_for(patient, ip=request.remote_addr)
    ]


def as_json(records: list[IntakeDocument], refused: list[FileError]) -> dict:
    """What the upload script is told: the kept records and the refused files."""
    return {
        "records": [
            {"id": r.id, "filename": r.filename, "kind": r.kind, "size": r.size} for r in records
        ],
        "errors": [{"filename": e.filename, "message": e.message} for e in refused],
    }
