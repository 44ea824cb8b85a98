"""Sponsor codes: an employer or insurer covers a share of the fee, a limited number of times.

A use is counted by one conditional update (``uses < max_uses`` and not expired), so two
patients taking the last use at once cannot both have it: the database serialises the two
updates and the second finds no use left (PostgreSQL re-reads the row after the first
commits; SQLite has one writer at a time). The check constraint ``uses <= max_uses`` is
the last word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, delete, or_, select, update

from telesecond.domain.csv_cells import csv_text
from telesecond.domain.instants import to_rfc3339
from telesecond.domain.pricing import MAX_CENTS, Sponsor, decimal_amount
from telesecond.extensions import db
from telesecond.models import Account, SponsorCode, SponsorCodeUse
from telesecond.services import audit
from telesecond.services.admin.paging import PAGE_SIZE, Page, like_escaped, page_of
from telesecond.services.errors import Forbidden, Invalid

CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{3,39}")
MAX_NAME = 120
MAX_USES = 1_000_000
STATES = ("active", "used_up", "expired")
EXPORT_LIMIT = 100_000
COLUMNS = (
    "code",
    "sponsor",
    "percent_off",
    "amount_off",
    "currency",
    "uses",
    "max_uses",
    "expires_at",
    "state",
    "created_at",
)
UNKNOWN = "We do not know this code. Check it with your employer or insurer."
USED_UP = "This code has been used as many times as the sponsor allowed."
EXPIRED = "This code has expired."


@dataclass(frozen=True)
class NewCode:
    """What an admin types to create a code (checked by :func:`create`)."""

    code: str
    sponsor_name: str
    max_uses: int
    expires_at: datetime
    percent_off: int | None = None
    amount_off_cents: int | None = None
    currency: str | None = None


def normalise(text: str) -> str:
    """A code as stored: trimmed and upper-case."""
    return (text or "").strip().upper()


def state(code: SponsorCode, now: datetime) -> str:
    """``expired``, ``used_up`` or ``active``."""
    if code.expires_at <= now:
        return "expired"
    if code.uses >= code.max_uses:
        return "used_up"
    return "active"


def sponsor_of(code: SponsorCode) -> Sponsor:
    """The code's cover, as the quote takes it."""
    return Sponsor(
        code.sponsor_name,
        percent_off=code.percent_off,
        amount_off_cents=code.amount_off_cents,
        currency=code.currency,
    )


def create(admin: Account, new: NewCode, *, now: datetime, ip: str | None) -> SponsorCode:
    """Create a code; Invalid names every field that is wrong."""
    if admin.role != "admin":
        raise Forbidden(_("Only admins create sponsor codes."))
    errors: dict[str, list[str]] = {}
    code = normalise(new.code)
    if not CODE.fullmatch(code):
        errors["code"] = [
            _("Use 4 to 40 letters, digits or hyphens, starting with a letter or digit.")
        ]
    elif db.session.scalar(select(SponsorCode.id).where(SponsorCode.code == code)):
        errors["code"] = [_("This code exists already.")]
    name = (new.sponsor_name or "").strip()
    if not name or len(name) > MAX_NAME:
        errors["sponsor_name"] = [_("Name the sponsor in 1 to %(num)s characters.", num=MAX_NAME)]
    if not 1 <= new.max_uses <= MAX_USES:
        errors["max_uses"] = [_("Allow from 1 to %(num)s uses.", num=MAX_USES)]
    if new.expires_at <= now:
        errors["expires_at"] = [_("Choose an expiry in the future.")]
    currency = (new.currency or "").strip().upper() or None
    if (new.percent_off is None) == (new.amount_off_cents is None):
        errors["percent_off"] = [_("Give either a percentage or an amount the sponsor covers.")]
    elif new.percent_off is not None and not 1 <= new.percent_off <= 100:
        errors["percent_off"] = [_("Give a percentage from 1 to 100.")]
    elif new.amount_off_cents is not None:
        if not 1 <= new.amount_off_cents <= MAX_CENTS:
            errors["amount_off_cents"] = [
                _("Give an amount from 1 to %(num)s cents.", num=MAX_CENTS)
            ]
        if not (currency and len(currency) == 3 and currency.isascii() and currency.isalpha()):
            errors["currency"] = [_("Give the amount's currency as three letters, such as EUR.")]
    if errors:
        raise Invalid(_("Some fields need attention."), errors)
    row = SponsorCode(
        code=code,
        sponsor_name=name,
        percent_off=new.percent_off,
        amount_off_cents=new.amount_off_cents,
        currency=currency if new.amount_off_cents is not None else None,
        max_uses=new.max_uses,
        uses=0,
        expires_at=new.expires_at,
        created_by_id=admin.id,
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "sponsor_code.created",
        actor_id=admin.id,
        target_type="sponsor_code",
        target_id=row.id,
        ip=ip,
        detail={"max_uses": row.max_uses},
    )
    db.session.commit()
    return row


def usable(text: str, *, currency: str, now: datetime) -> SponsorCode:
    """The code a patient typed, if it can still be used for a fee in ``currency``.

    :raise Invalid: on ``sponsor_code``: unknown, used up, expired or another currency.
    """
    code = normalise(text)
    row = None
    if CODE.fullmatch(code):
        row = db.session.scalar(select(SponsorCode).where(SponsorCode.code == code))
    if row is None:
        raise Invalid.field("sponsor_code", UNKNOWN)
    found = state(row, now)
    if found == "expired":
        raise Invalid.field("sponsor_code", EXPIRED)
    if found == "used_up":
        raise Invalid.field("sponsor_code", USED_UP)
    if row.currency is not None and row.currency != currency:
        raise Invalid.field(
            "sponsor_code", f"This code covers fees in {row.currency}; this fee is in {currency}."
        )
    return row


def take_use(
    code: SponsorCode, patient: Account, covered_cents: int, *, now: datetime
) -> SponsorCodeUse:
    """Count one use of the code for the patient and commit it, or Invalid if none is left."""
    taken = db.session.execute(
        update(SponsorCode)
        .where(
            SponsorCode.id == code.id,
            SponsorCode.uses < SponsorCode.max_uses,
            SponsorCode.expires_at > now,
        )
        .values(uses=SponsorCode.uses + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        db.session.rollback()
        raise Invalid.field("sponsor_code", EXPIRED if code.expires_at <= now else USED_UP)
    use = SponsorCodeUse(
        code_id=code.id, patient_id=patient.id, covered_cents=covered_cents, used_at=now
    )
    db.session.add(use)
    db.session.flush()
    audit.record(
        "sponsor_code.used",
        actor_id=patient.id,
        target_type="sponsor_code",
        target_id=code.id,
        detail={"use": use.id},
    )
    db.session.commit()
    return use


def give_back(use: SponsorCodeUse) -> None:
    """Undo a use whose booking did not happen (the use is counted again as free)."""
    db.session.rollback()
    db.session.execute(
        update(SponsorCode)
        .where(SponsorCode.id == use.code_id, SponsorCode.uses > 0)
        .values(uses=SponsorCode.uses - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(SponsorCodeUse).where(SponsorCodeUse.id == use.id))
    db.session.commit()


@dataclass(frozen=True)
class Filters:
    """What the admin narrowed the list to; empty means any."""

    text: str = ""  # part of the code or of the sponsor's name
    state: str = ""  # one of STATES


def _statement(filters: Filters, now: datetime) -> Select:
    if filters.state and filters.state not in STATES:
        raise Invalid.field("state", _("Choose active, used_up or expired."))
    query = select(SponsorCode).order_by(SponsorCode.created_at.desc(), SponsorCode.id.desc())
    text = filters.text.strip()
    if text:
        pattern = f"%{like_escaped(text)}%"
        query = query.where(
            or_(
                SponsorCode.code.like(pattern.upper(), escape="\\"),
                SponsorCode.sponsor_name.ilike(pattern, escape="\\"),
            )
        )
    if filters.state == "expired":
        query = query.where(SponsorCode.expires_at <= now)
    elif filters.state == "used_up":
        query = query.where(SponsorCode.expires_at > now, SponsorCode.uses >= SponsorCode.max_uses)
    elif filters.state == "active":
        query = query.where(SponsorCode.expires_at > now, SponsorCode.uses < SponsorCode.max_uses)
    return query


def search(filters: Filters, *, now: datetime, page: int = 1, size: int = PAGE_SIZE) -> Page:
    """One page of codes, newest first."""
    return page_of(_statement(filters, now), number=page, size=size)


def export_csv(admin: Account, filters: Filters, *, now: datetime, ip: str | None) -> str:
    """The matching codes as CSV, every cell formula-safe; the export is audited."""
    rows = list(db.session.scalars(_statement(filters, now).limit(EXPORT_LIMIT)))
    audit.record(
        "sponsor_code.exported",
        actor_id=admin.id,
        target_type="sponsor_code",
        ip=ip,
        detail={"rows": len(rows)},
    )
    db.session.commit()
    return csv_text(
        COLUMNS,
        (
            (
                code.code,
                code.sponsor_name,
                code.percent_off,
                decimal_amount(code.amount_off_cents),
                code.currency,
                code.uses,
                code.max_uses,
                to_rfc3339(code.expires_at),
                state(code, now),
                to_rfc3339(code.created_at),
            )
            for code in rows
        ),
    )


def use_for(consultation_id: int) -> SponsorCodeUse | None:
    """The code used when the consultation was booked, if any."""
    return db.session.scalar(
        select(SponsorCodeUse).where(SponsorCodeUse.consultation_id == consultation_id)
    )
