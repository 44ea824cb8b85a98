"""Upload, list and read a consultation's medical documents, stored encrypted.

Only the consultation's patient and specialist see its documents; anyone else is told
the consultation does not exist. Every list and every read is audited. Audit details
never carry file names: a name such as ``biopsy-breast-left.pdf`` is health information.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from telesecond.adapters import registry
from telesecond.adapters.storage import DocumentStore, DocumentUnreadable, new_storage_key
from telesecond.db.locks import lock_consultation
from telesecond.domain import filetypes
from telesecond.extensions import db
from telesecond.models import Account, Consultation, Document
from telesecond.models.record import DOCUMENT_KINDS
from telesecond.services import audit
from telesecond.services.consultations import access
from telesecond.services.errors import Conflict, Invalid, NotFound, ServiceError

log = logging.getLogger(__name__)

MB = 1024 * 1024
CANCELLED = "This consultation is cancelled; documents can no longer be added."


class TooLarge(ServiceError):
    """The document, or the consultation's documents together, exceed the limit."""

    status = 413
    title = "Too large"


class UnsupportedType(ServiceError):
    """The file's content is not one of the accepted types."""

    status = 415
    title = "Unsupported file type"


class DocumentUnavailable(ServiceError):
    """The stored copy is missing or failed its integrity check (server-side damage)."""

    status = 500
    title = "Document unavailable"


@dataclass(frozen=True)
class UploadLimits:
    """How large one document and all of a consultation's documents may be, in bytes."""

    document_bytes: int
    consultation_bytes: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> UploadLimits:
        """Read MAX_DOCUMENT_MB and MAX_CONSULTATION_DOCUMENTS_MB."""
        return cls(
            document_bytes=config.get("MAX_DOCUMENT_MB", 20) * MB,
            consultation_bytes=config.get("MAX_CONSULTATION_DOCUMENTS_MB", 100) * MB,
        )


def megabytes(size: int) -> str:
    value = size / MB
    return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB"


def _stored_bytes(consultation_id: int) -> int:
    total = db.session.scalar(
        select(func.coalesce(func.sum(Document.size), 0)).where(
            Document.consultation_id == consultation_id
        )
    )
    return int(total or 0)


def check_file(data: bytes, filename: str, limits: UploadLimits) -> tuple[str, str]:
    """The content type and display name for ``data``, or the error that refuses it."""
    if not data:
        raise Invalid.field("file", _("The file is empty."))
    if len(data) > limits.document_bytes:
        raise TooLarge(
            _(
                "This file is %(size)s; each document may be at most %(limit)s.",
                size=megabytes(len(data)),
                limit=megabytes(limits.document_bytes),
            )
        )
    content_type = filetypes.detect_type(data)
    if content_type is None:
        raise UnsupportedType(
            _(
                "This type of file is not accepted. Upload a %(types)s file.",
                types=filetypes.ACCEPTED_DESCRIPTION,
            )
        )
    name = filetypes.fit_name(filetypes.safe_filename(filename), content_type)
    if name is None:
        raise UnsupportedType(
            _(
                "The file's name does not match its content, which is plain text. Rename it "
                "to end in .txt, or upload a %(types)s file.",
                types=filetypes.ACCEPTED_DESCRIPTION,
            )
        )
    return content_type, name


def upload(
    actor: Account,
    consultation_id: int,
    *,
    filename: str,
    kind: str,
    data: bytes,
    ip: str | None = None,
    now: datetime,
    limits: UploadLimits | None = None,
    store: DocumentStore | None = None,
) -> Document:
    """Store a document for the consultation, encrypted; audit and commit.

    :raise NotFound: not the actor's consultation (404).
    :raise Conflict: the consultation is cancelled (409).
    :raise Invalid: unknown kind or empty file (422).
    :raise TooLarge: over the per-document or per-consultation limit (413).
    :raise UnsupportedType: the content is not an accepted type (415).
    """
    consultation = access.get_for(actor, consultation_id)
    if consultation.status == "cancelled":
        raise Conflict(CANCELLED)
    if kind not in DOCUMENT_KINDS:
        raise Invalid.field("kind", f"Choose one of {', '.join(DOCUMENT_KINDS)}.")
    limits = limits or UploadLimits.from_config(current_app.config)
    content_type, name = check_file(data, filename, limits)

    lock_consultation(consultation.id)
    db.session.refresh(consultation)  # a cancel may have committed while we checked
    if consultation.status == "cancelled":
        db.session.rollback()
        raise Conflict(CANCELLED)
    stored = _stored_bytes(consultation.id)
    if stored + len(data) > limits.consultation_bytes:
        db.session.rollback()
        left = max(0, limits.consultation_bytes - stored)
        raise TooLarge(
            f"A consultation may hold {megabytes(limits.consultation_bytes)} of documents; "
            f"{megabytes(left)} is left, and this file is {megabytes(len(data))}."
        )
    with stored_bytes(data, store) as stored_file:
        document = Document(
            consultation_id=consultation.id,
            uploaded_by_id=actor.id,
            kind=kind,
            filename=name,
            content_type=content_type,
            created_at=now,
            **stored_file,
        )
        db.session.add(document)
        db.session.flush()
        audit.record(
            "document.uploaded",
            actor_id=actor.id,
            target_type="document",
            target_id=document.id,
            ip=ip,
            detail={"consultation_id": consultation.id, "kind": kind, "size": len(data)},
        )
        db.session.commit()
    return document


@contextmanager
def stored_bytes(data: bytes, store: DocumentStore | None = None) -> Iterator[dict]:
    """Put ``data`` in the document store and give the stored file's columns (size,
    SHA-256, storage key) to the row written in the block, which commits. If the block
    fails, the transaction is rolled back and the bytes deleted: no row points at them."""
    store = store or registry.current().storage
    key = new_storage_key()
    store.put(key, data)
    try:
        yield {"size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "storage_key": key}
    except BaseException:
        db.session.rollback()
        store.delete(key)
        raise


def list_for(actor: Account, consultation_id: int, *, ip: str | None = None) -> list[Document]:
    """The consultation's documents, oldest first; listing (names are PHI) is audited."""
    consultation = access.get_for(actor, consultation_id)
    documents = list(
        db.session.scalars(
            select(Document)
            .where(Document.consultation_id == consultation.id)
            .order_by(Document.created_at, Document.id)
        )
    )
    audit.record(
        "document.listed",
        actor_id=actor.id,
        target_type="consultation",
        target_id=consultation.id,
        ip=ip,
        detail={"count": len(documents)},
    )
    db.session.commit()
    return documents


def _document_of(consultation: Consultation, document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None or document.consultation_id != consultation.id:
        raise NotFound("No such document.")
    return document


def read(
    actor: Account,
    consultation_id: int,
    document_id: int,
    *,
    ip: str | None = None,
    store: DocumentStore | None = None,
) -> tuple[Document, bytes]:
    """The document and its decrypted bytes; every read is audited.

    :raise NotFound: not the actor's consultation, or not a document of it (404).
    :raise DocumentUnavailable: the stored copy is missing or was altered (500).
    """
    consultation = access.get_for(actor, consultation_id)
    document = _document_of(consultation, document_id)
    store = store or registry.current().storage
    try:
        data = store.get(document.storage_key)
        if hashlib.sha256(data).hexdigest() != document.sha256:
            raise DocumentUnreadable(f"stored file {document.storage_key} has another digest")
    except DocumentUnreadable as exc:
        log.error("document %s cannot be read: %s", document.id, exc)
        audit.record(
            "document.unreadable",
            actor_id=actor.id,
            target_type="document",
            target_id=document.id,
            ip=ip,
            detail={"consultation_id": consultation.id},
        )
        db.session.commit()
        raise DocumentUnavailable(
            "This document cannot be opened: the stored copy is damaged or missing. "
            "Our team has been alerted; please ask for it to be uploaded again."
        ) from None
    audit.record(
        "document.viewed",
        actor_id=actor.id,
        target_type="document",
        target_id=document.id,
        ip=ip,
        detail={"consultation_id": consultation.id},
    )
    db.session.commit()
    return document, data
