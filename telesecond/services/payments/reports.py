"""The admin's view of payments and refunds: filter, page, month totals, CSV export."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from telesecond.domain.csv_cells import neutralise_row
from telesecond.domain.instants import to_rfc3339
from telesecond.extensions import db
from telesecond.models import Account, Payment
from telesecond.models.payment import PAYMENT_STATUSES
from telesecond.services import audit
from telesecond.services.admin.paging import Page, page_of
from telesecond.services.errors import NotFound

EXPORT_LIMIT = 50_000
COLUMNS = (
    "record",
    "payment_id",
    "consultation_id",
    "created_at",
    "paid_at",
    "status",
    "amount",
    "refunded",
    "currency",
    "patient_email",
    "specialist",
    "provider_reference",
    "reason",
)


@dataclass(frozen=True)
class Filters:
    """What the admin narrowed the list to; empty values match everything."""

    status: str = ""
    specialist_id: int | None = None
    since: datetime | None = None
    before: datetime | None = None

    def used(self) -> dict:
        return {
            k: (to_rfc3339(v) if isinstance(v, datetime) else v)
            for k, v in vars(self).items()
            if v not in ("", None)
        }


@dataclass(frozen=True)
class MonthTotal:
    """One month's (UTC) payments in one currency: taken, given back, kept."""

    month: str
    currency: str
    paid_cents: int
    refunded_cents: int
    count: int

    @property
    def net_cents(self) -> int:
        return self.paid_cents - self.refunded_cents


def _statement(filters: Filters) -> Select:
    query = select(Payment).options(
        selectinload(Payment.refunds),
        selectinload(Payment.patient),
        selectinload(Payment.specialist),
    )
    if filters.status:
        query = query.where(Payment.status == filters.status)
    if filters.specialist_id is not None:
        query = query.where(Payment.specialist_id == filters.specialist_id)
    if filters.since is not None:
        query = query.where(Payment.created_at >= filters.since)
    if filters.before is not None:
        query = query.where(Payment.created_at < filters.before)
    return query.order_by(Payment.created_at.desc(), Payment.id.desc())


def search(filters: Filters, *, page: int = 1) -> Page:
    """One page of the matching payments, newest first."""
    return page_of(_statement(filters), number=page)


def statuses() -> tuple[str, ...]:
    return PAYMENT_STATUSES


def specialists() -> list[tuple[int, str]]:
    """The specialists with payments, for the filter: (id, name)."""
    rows = db.session.execute(
        select(Account.id, Account.full_name)
        .where(Account.id.in_(select(Payment.specialist_id).distinct()))
        .order_by(Account.full_name)
    ).all()
    return [(row.id, row.full_name) for row in rows]


def month_totals(filters: Filters) -> list[MonthTotal]:
    """Per month (of payment, UTC) and currency: what was paid and what went back."""
    rows = db.session.execute(
        _statement(filters)
        .with_only_columns(
            Payment.paid_at, Payment.currency, Payment.amount_cents, Payment.refunded_cents
        )
        .where(Payment.paid_at.is_not(None))
        .order_by(None)
    ).all()
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for paid_at, currency, amount, refunded in rows:
        entry = sums[(f"{paid_at:%Y-%m}", currency)]
        entry[0] += amount
        entry[1] += refunded
        entry[2] += 1
    return [
        MonthTotal(month, currency, paid, refunded, count)
        for (month, currency), (paid, refunded, count) in sorted(sums.items(), reverse=True)
    ]


def get(payment_id: int) -> Payment:
    """One payment with its refunds."""
    payment = db.session.get(Payment, payment_id)
    if payment is None:
        raise NotFound(_("No such payment."))
    return payment


def _money(cents: int) -> str:
    return f"{cents / 100:.2f}"


def export_csv(admin: Account, filters: Filters, *, ip: str | None) -> str:
    """The matching payments and their refunds as CSV, every cell formula-safe.

    One ``payment`` row per payment, followed by one ``refund`` row per refund. The
    export (it holds patients' addresses) is recorded in the audit log.
    """
    payments = db.session.scalars(_statement(filters).limit(EXPORT_LIMIT)).all()
    audit.record(
        "payments.exported",
        actor_id=admin.id,
        target_type="payment",
        ip=ip,
        detail={"filters": filters.used(), "rows": len(payments)},
    )
    db.session.commit()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for p in payments:
        writer.writerow(
            neutralise_row(
                (
                    "payment",
                    p.id,
                    p.consultation_id,
                    to_rfc3339(p.created_at),
                    to_rfc3339(p.paid_at),
                    p.status,
                    _money(p.amount_cents),
                    _money(p.refunded_cents),
                    p.currency,
                    p.patient.email,
                    p.specialist.full_name,
                    p.payment_intent_id or p.checkout_session_id,
                    "",
                )
            )
        )
        for r in p.refunds:
            writer.writerow(
                neutralise_row(
                    (
                        "refund",
                        p.id,
                        p.consultation_id,
                        to_rfc3339(r.created_at),
                        "",
                        r.status,
                        "",
                        _money(r.amount_cents),
                        p.currency,
                        p.patient.email,
                        p.specialist.full_name,
                        r.provider_refund_id,
                        r.reason,
                    )
                )
            )
    return buffer.getvalue()
