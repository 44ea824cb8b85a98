"""Where a specialist's busy time comes from: booked consultations, live holds, time off.

The slot engine, the directory cache and the booking re-check read busy time here only.
``busy_time`` fetches everything one check needs in a single UNION ALL query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import CompoundSelect, bindparam, literal, literal_column, select, union_all

from telesecond.domain.slots import Interval
from telesecond.extensions import db
from telesecond.models import Consultation, Hold, TimeOff


def patient_overlaps(
    patient_id: int, start: datetime, end: datetime, ignore_consultation: int | None = None
) -> bool:
    """Whether the patient already has an active consultation overlapping [start, end)."""
    query = select(Consultation.id).where(
        Consultation.patient_id == patient_id,
        Consultation.status != "cancelled",
        Consultation.start < end,
        Consultation.end > start,
    )
    if ignore_consultation is not None:
        query = query.where(Consultation.id != ignore_consultation)
    return db.session.scalar(query.limit(1)) is not None


@dataclass(frozen=True)
class BusyTime:
    """Everything that can block one specialist's slots in a window, fetched at once."""

    booked: list[Interval] = field(default_factory=list)
    holds: list[Interval] = field(default_factory=list)
    time_off: list[Interval] = field(default_factory=list)
    # Whether the patient (``patient_span``) already has a consultation overlapping the span.
    patient_overlap: bool = False
    # How many holds the patient (``except_patient``) has on this specialist, at any time.
    own_holds: int = 0


def busy_time(account_id: int, start: datetime, end: datetime, **options) -> BusyTime:
    """The specialist's busy time overlapping [start, end) in one query (``options`` as
    for ``busy_query``)."""
    statement, params = busy_query(account_id, start, end, **options)
    return busy_from_rows(db.session.execute(statement, params))


def busy_query(
    account_id: int,
    start: datetime,
    end: datetime,
    *,
    now: datetime,
    except_patient: int | None = None,
    ignore_consultation: int | None = None,
    patient_span: tuple[int, datetime, datetime] | None = None,
    include_booked: bool = True,
) -> tuple[CompoundSelect, dict]:
    """The statement and parameters behind ``busy_time``, for a caller that runs it itself
    (a booking sends it with its new rows); ``busy_from_rows`` reads its rows.

    ``include_booked=False`` leaves out the consultations (and the patient's overlaps)
    when the database's exclusion constraints will refuse an overlapping row anyway.
    """
    shape = (
        include_booked,
        include_booked and patient_span is not None,
        except_patient is not None,
        ignore_consultation is not None,
    )
    statement = _statements.get(shape)
    if statement is None:
        statement = _statements.setdefault(shape, _busy_statement(*shape))
    params = {
        "account_id": account_id,
        "start": start,
        "end": end,
        "now": now,
        "except_patient": except_patient,
        "ignore_consultation": ignore_consultation,
    }
    if patient_span is not None:
        params["patient_id"], params["span_start"], params["span_end"] = patient_span
    return statement, params


def busy_from_rows(rows: Iterable[tuple[str, datetime, datetime]]) -> BusyTime:
    """The BusyTime in the rows of ``busy_query``'s statement."""
    found: dict[str, list[Interval]] = {"b": [], "p": [], "h": [], "o": [], "t": [], "x": []}
    for kind, s, e in rows:  # driver SQL hands back the session's zone: make it UTC
        found[kind].append(Interval(s.astimezone(UTC), e.astimezone(UTC)))
    return BusyTime(
        booked=found["b"] + found["x"],
        holds=found["h"],
        time_off=found["t"],
        patient_overlap=bool(found["p"]),
        own_holds=len(found["o"]),
    )


# One prebuilt statement per shape of question (which parts of the UNION it needs).
_statements: dict[tuple[bool, ...], CompoundSelect] = {}


def _busy_statement(
    include_booked: bool, patient_overlap: bool, except_patient: bool, ignore_consultation: bool
) -> CompoundSelect:
    """The UNION ALL behind ``busy_time``, with bound parameters named as its arguments."""
    account_id, start, end = bindparam("account_id"), bindparam("start"), bindparam("end")

    def kind(letter: str):
        return literal_column(f"'{letter}'")

    parts = []
    if include_booked:
        booked_q = select(kind("b"), Consultation.start, Consultation.end).where(
            Consultation.specialist_id == account_id,
            Consultation.status != "cancelled",
            Consultation.start < end,
            Consultation.block_end > start,
        )
        if ignore_consultation:
            booked_q = booked_q.where(Consultation.id != bindparam("ignore_consultation"))
        parts.append(booked_q)
    if patient_overlap:
        overlap_q = select(kind("p"), Consultation.start, Consultation.end).where(
            Consultation.patient_id == bindparam("patient_id"),
            Consultation.status != "cancelled",
            Consultation.start < bindparam("span_end"),
            Consultation.end > bindparam("span_start"),
        )
        if ignore_consultation:
            overlap_q = overlap_q.where(Consultation.id != bindparam("ignore_consultation"))
        parts.append(overlap_q)
    held_q = select(kind("h"), Hold.start, Hold.end).where(
        Hold.specialist_id == account_id,
        Hold.expires_at > bindparam("now"),
        Hold.start < end,
        Hold.block_end > start,
    )
    if except_patient:
        held_q = held_q.where(Hold.patient_id != bindparam("except_patient"))
        parts.append(
            select(kind("o"), Hold.start, Hold.end).where(
                Hold.specialist_id == account_id, Hold.patient_id == bindparam("except_patient")
            )
        )
    parts.append(held_q)
    parts.append(
        select(kind("t"), TimeOff.start, TimeOff.end).where(
            TimeOff.account_id == account_id, TimeOff.start < end, TimeOff.end > start
        )
    )
    # The specialist's own calendars (see ``external``), in the same query.
    parts.append(_external_rows(account_id, start, end, kind("x")))
    return union_all(*parts)


def external(account_id: int, start: datetime, end: datetime) -> list[Interval]:
    """Busy intervals from the specialist's own calendars (none unless connected).

    Read from the rows the refresh task stored (services.busy_calendars), never from the
    network: one range scan on ix_busy_interval_account_start.
    """
    rows = db.session.execute(_external_rows(account_id, start, end))
    return [Interval(s, e) for s, e in rows]


def _external_rows(account_id: int, start: datetime, end: datetime, *label):
    """The stored busy intervals of the specialist's calendars overlapping [start, end)."""
    from telesecond.models import BusyInterval

    return select(*label, BusyInterval.start, BusyInterval.end).where(
        BusyInterval.account_id == account_id,
        BusyInterval.start < end,
        BusyInterval.end > start,
    )


def busy_by_specialist(
    account_ids: list[int], start: datetime, end: datetime, *, now: datetime
) -> dict[int, BusyTime]:
    """Busy time (consultations, live holds, time off, calendars) of many specialists at once."""
    from telesecond.models import BusyInterval

    parts = [
        select(
            literal("b"), Consultation.specialist_id, Consultation.start, Consultation.end
        ).where(
            Consultation.specialist_id.in_(account_ids),
            Consultation.status != "cancelled",
            Consultation.start < end,
            Consultation.block_end > start,
        ),
        select(literal("h"), Hold.specialist_id, Hold.start, Hold.end).where(
            Hold.specialist_id.in_(account_ids),
            Hold.expires_at > now,
            Hold.start < end,
            Hold.block_end > start,
        ),
        select(literal("t"), TimeOff.account_id, TimeOff.start, TimeOff.end).where(
            TimeOff.account_id.in_(account_ids), TimeOff.start < end, TimeOff.end > start
        ),
        select(literal("b"), BusyInterval.account_id, BusyInterval.start, BusyInterval.end).where(
            BusyInterval.account_id.in_(account_ids),
            BusyInterval.start < end,
            BusyInterval.end > start,
        ),
    ]
    found: dict[int, BusyTime] = {}
    for kind, account_id, s, e in db.session.execute(union_all(*parts)):
        busy = found.get(account_id)
        if busy is None:
            busy = found[account_id] = BusyTime()
        {"b": busy.booked, "h": busy.holds, "t": busy.time_off}[kind].append(Interval(s, e))
    return found
