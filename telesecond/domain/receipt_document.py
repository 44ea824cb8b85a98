"""An itemised receipt for a consultation, as the patient files it with an insurer.

Pure: the payments feature fills it, ``services/rendering/receipt.py`` renders it. Rules:

- Amounts are integers in the currency's minor unit (cents for EUR), never floats; one
  ISO 4217 currency per receipt.
- Refunds are entered as positive amounts of kind ``refund``; the total paid is the
  payments less the refunds.
- Diagnosis codes (ICD-10 and the like) appear only when given: an empty tuple shows
  no diagnosis section at all, because many patients do not want one on paper.
- Every instant is aware and shown in ``zone``; dates of service and issue are plain
  dates as the clinic states them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from telesecond.domain.opinion_document import Licence, check_language, check_zone

ENTRY_KINDS = ("payment", "refund")
_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class LineItem:
    """One charged item: what it is, how many, and the line's amount (minor units)."""

    description: str
    amount: int
    quantity: int = 1

    def __post_init__(self) -> None:
        if self.amount < 0 or self.quantity < 1:
            raise ValueError("a line item has a non-negative amount and a quantity of 1 or more")


@dataclass(frozen=True)
class MoneyEntry:
    """A payment received or a refund made, with when and how."""

    kind: str
    amount: int
    at: datetime
    method: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ENTRY_KINDS:
            raise ValueError(f"unknown entry kind: {self.kind!r}")
        if self.amount < 0:
            raise ValueError("enter refunds as positive amounts of kind 'refund'")
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError("an entry's time must be an aware datetime")


@dataclass(frozen=True)
class Receipt:
    """Everything an itemised receipt shows."""

    number: str
    issued_on: date
    language: str
    zone: str
    clinic_name: str
    clinic_tax_id: str
    patient_name: str
    provider_name: str
    provider_licence: Licence | None
    service_date: date
    description: str
    currency: str
    items: tuple[LineItem, ...]
    entries: tuple[MoneyEntry, ...]
    diagnosis_codes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_language(self.language)
        check_zone(self.zone)
        if not _CURRENCY.fullmatch(self.currency):
            raise ValueError(f"not an ISO 4217 currency code: {self.currency!r}")
        if not self.items:
            raise ValueError("a receipt lists at least one item")

    @property
    def total_charged(self) -> int:
        """The sum of the line items."""
        return sum(item.amount for item in self.items)

    @property
    def total_paid(self) -> int:
        """Payments received less refunds made."""
        return sum(e.amount if e.kind == "payment" else -e.amount for e in self.entries)

    @property
    def title(self) -> str:
        """The document's title (the PDF's /Title, the page's <title>)."""
        return f"Receipt {self.number}"
