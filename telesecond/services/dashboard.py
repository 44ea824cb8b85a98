"""The specialist's dashboard: today's and the coming days' consultations at a glance.

Each row carries the patient's condition (from the intake), how many records were
uploaded and where the written opinion stands. The condition is case data, so every
consultation shown is recorded in the audit log as read (``consultation.viewed`` with
``via: dashboard``), as the case page records its readings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from telesecond.domain.wall_clock import day_bounds
from telesecond.extensions import db
from telesecond.models import Account, Consultation, Document, Opinion, OpinionDraft
from telesecond.services import audit
from telesecond.services.errors import Forbidden
from telesecond.services.opinions import turnaround

DAYS_AHEAD = 7  # today and the next seven days
CONDITION_LENGTH = 90
OpinionState = Literal["not_started", "draft", "signed"]


@dataclass(frozen=True)
class Row:
    """One consultation as the dashboard lists it."""

    consultation: Consultation
    condition: str
    records: int
    opinion: OpinionState
    due: turnaround.Due | None  # while the opinion is owed and not signed


@dataclass(frozen=True)
class Day:
    """A local day of the specialist and what is booked on it."""

    day: date
    rows: list[Row]


@dataclass(frozen=True)
class Dashboard:
    """The days shown (today first), in the specialist's zone."""

    zone: str
    today: date
    days: list[Day]

    @property
    def count(self) -> int:
        return sum(len(d.rows) for d in self.days)


def short_condition(text: str, limit: int = CONDITION_LENGTH) -> str:
    """The intake's diagnosis on one line, cut at a word near ``limit`` characters."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0] or line[:limit]
    return cut.rstrip(",;:.-") + "…"


def _counts(ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Document.consultation_id, func.count(Document.id))
        .where(Document.consultation_id.in_(ids))
        .group_by(Document.consultation_id)
    )
    return {cid: count for cid, count in rows}


def _opinion_states(ids: list[int]) -> dict[int, OpinionState]:
    states: dict[int, OpinionState] = {}
    for cid in db.session.scalars(
        select(OpinionDraft.consultation_id).where(OpinionDraft.consultation_id.in_(ids))
    ):
        states[cid] = "draft"
    for cid in db.session.scalars(
        select(Opinion.consultation_id).where(
            Opinion.consultation_id.in_(ids), turnaround.delivered_at_column().is_not(None)
        )
    ):
        states[cid] = "signed"
    return states


def dashboard_for(
    specialist: Account, *, now: datetime, ip: str | None = None, days: int = DAYS_AHEAD
) -> Dashboard:
    """Today's and the next ``days`` days' consultations (not cancelled); readings audited."""
    if specialist.role != "specialist":
        raise Forbidden("Only specialists have a dashboard.")
    zone = ZoneInfo(specialist.timezone)
    today = now.astimezone(zone).date()
    start, _ = day_bounds(today, zone)
    _, end = day_bounds(today + timedelta(days=days), zone)
    consultations = list(
        db.session.scalars(
            select(Consultation)
            .options(selectinload(Consultation.patient))
            .where(
                Consultation.specialist_id == specialist.id,
                Consultation.status != "cancelled",
                Consultation.start >= start,
                Consultation.start < end,
            )
            .order_by(Consultation.start, Consultation.id)
        )
    )
    ids = [c.id for c in consultations]
    records = _counts(ids) if ids else {}
    states = _opinion_states(ids) if ids else {}
    dues = turnaround.open_dues(consultations)
    by_day: dict[date, list[Row]] = {}
    for c in consultations:
        by_day.setdefault(c.start.astimezone(zone).date(), []).append(
            Row(
                consultation=c,
                condition=short_condition(c.current_diagnosis),
                records=records.get(c.id, 0),
                opinion=states.get(c.id, "not_started"),
                due=dues.get(c.id),
            )
        )
        audit.record(
            "consultation.viewed",
            actor_id=specialist.id,
            target_type="consultation",
            target_id=c.id,
            ip=ip,
            detail={"via": "dashboard"},
        )
    db.session.commit()
    return Dashboard(
        zone=zone.key,
        today=today,
        days=[Day(day, rows) for day, rows in sorted(by_day.items())],
    )
