"""The signed opinion's rules: its digest, when it may be signed, when follow-ups are taken.

Pure: every instant, setting and count comes in as an argument.

* **Digest.** What is signed is serialised canonically as JSON with the keys sorted, no
  insignificant whitespace (``","`` and ``":"`` separators), non-ASCII characters kept
  as UTF-8 (``ensure_ascii=False``) and instants as RFC 3339 UTC to the second
  (``2026-03-03T09:00:00Z``); the digest is the lowercase hex SHA-256 of those UTF-8
  bytes. The opinion's document holds ``kind: "opinion"``, the consultation id, the
  assessment, summary, each ``{question, answer}`` pair in order, the recommendations,
  the signer's account id and the signing instant; an addendum's holds
  ``kind: "addendum"``, the consultation id, its number, text, signer, instant and the
  digest of the opinion it is added to (so it is chained to that exact text).
* **When to sign.** Never for a cancelled consultation; otherwise once its end has
  passed (``now >= end``), or earlier when the clinic allows opinions from the records
  before the call (``OPINION_BEFORE_CALL``).
* **Follow-up questions.** Only on a signed opinion, at most ``limit`` of them, and
  only until ``days`` days after the signing (``now < signed_at + days``).
* **When the ready notice goes.** At once, unless it is the patient's quiet hours: then
  when they end (the notice never moves earlier than the signing it announces).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from telesecond.domain.instants import to_rfc3339
from telesecond.domain.reminders import is_quiet
from telesecond.domain.wall_clock import earliest_instant


def canonical_bytes(document: dict) -> bytes:
    """``document`` as canonical JSON (sorted keys, compact, UTF-8): what is hashed."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_hex(document: dict) -> str:
    """The lowercase hex SHA-256 of the document's canonical bytes."""
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


def opinion_document(
    *,
    consultation_id: int,
    diagnosis_assessment: str,
    summary: str,
    answers: list[dict],
    recommendations: str,
    signed_by_id: int,
    signed_at: datetime,
) -> dict:
    """What a signature covers for the opinion itself."""
    return {
        "kind": "opinion",
        "consultation_id": consultation_id,
        "diagnosis_assessment": diagnosis_assessment,
        "summary": summary,
        "answers": [{"question": a["question"], "answer": a["answer"]} for a in answers],
        "recommendations": recommendations,
        "signed_by": signed_by_id,
        "signed_at": to_rfc3339(signed_at),
    }


def addendum_document(
    *,
    consultation_id: int,
    number: int,
    text: str,
    signed_by_id: int,
    signed_at: datetime,
    opinion_digest: str,
) -> dict:
    """What a signature covers for one addendum (chained to the opinion's digest)."""
    return {
        "kind": "addendum",
        "consultation_id": consultation_id,
        "number": number,
        "text": text,
        "signed_by": signed_by_id,
        "signed_at": to_rfc3339(signed_at),
        "opinion_digest": opinion_digest,
    }


def signing_refusal(
    *, status: str, end: datetime, now: datetime, before_call_allowed: bool
) -> str | None:
    """Why the opinion cannot be signed at ``now``, or None when it can: ``"cancelled"``
    or ``"before_call"`` (the consultation has not taken place yet)."""
    if status == "cancelled":
        return "cancelled"
    if now >= end or before_call_allowed:
        return None
    return "before_call"


def follow_up_refusal(
    *, signed_at: datetime | None, now: datetime, asked: int, limit: int, days: int
) -> str | None:
    """Why the patient cannot ask another follow-up question at ``now``, or None: one of
    ``"unsigned"``, ``"closed"`` (the window has passed) or ``"used_up"``."""
    if signed_at is None:
        return "unsigned"
    if now >= signed_at + timedelta(days=days):
        return "closed"
    if asked >= limit:
        return "used_up"
    return None


def notice_due(now: datetime, zone: ZoneInfo, quiet_start: time, quiet_end: time) -> datetime:
    """When a notice caused at ``now`` may go: ``now``, or the end of the quiet hours."""
    local = now.astimezone(zone)
    if not is_quiet(local.time(), quiet_start, quiet_end):
        return now
    ends_on = local.date()
    if quiet_start > quiet_end and local.time() > quiet_start:  # evening: ends tomorrow
        ends_on += timedelta(days=1)
    return max(now, earliest_instant(ends_on, quiet_end, zone))
