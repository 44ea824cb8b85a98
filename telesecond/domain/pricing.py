"""What a patient pays for a consultation: the fee, less what a sponsor or assistance covers.

Pure: every amount comes in as an argument, in whole minor units (cents). The rules:

1. A **sponsor code** (an employer or insurer pays) covers a percentage of the fee
   (rounded to the nearest cent, halves up) or a fixed amount in the fee's currency,
   never more than the fee.
2. **Financial assistance** an admin approved sets the most the patient pays
   (``0``: the fee is waived); it applies to what is left after the sponsor.
3. The amount due is never below zero. Each reduction is one line of the quote, with a
   negative amount, so the lines and the fee add up to the amount due.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_CENTS = 10_000_000  # 100,000.00 in any currency: more is a typing mistake


@dataclass(frozen=True)
class Sponsor:
    """A sponsor code's cover: ``percent_off`` (1-100) or ``amount_off_cents`` in ``currency``."""

    name: str
    percent_off: int | None = None
    amount_off_cents: int | None = None
    currency: str | None = None

    def __post_init__(self) -> None:
        if (self.percent_off is None) == (self.amount_off_cents is None):
            raise ValueError("a sponsor covers either a percentage or an amount")
        if self.percent_off is not None and not 1 <= self.percent_off <= 100:
            raise ValueError("a sponsor's percentage is from 1 to 100")
        if self.amount_off_cents is not None:
            if not 1 <= self.amount_off_cents <= MAX_CENTS:
                raise ValueError(f"a sponsor's amount is from 1 to {MAX_CENTS} cents")
            if not self.currency:
                raise ValueError("a sponsor's amount needs its currency")


@dataclass(frozen=True)
class Assistance:
    """Approved financial assistance: the patient pays at most ``amount_cents`` (0: waived)."""

    amount_cents: int

    def __post_init__(self) -> None:
        if not 0 <= self.amount_cents <= MAX_CENTS:
            raise ValueError(f"an assisted amount is from 0 to {MAX_CENTS} cents")


@dataclass(frozen=True)
class Line:
    """One reduction on a quote (``amount_cents`` is negative); ``kind`` says whose."""

    kind: str  # "sponsor" or "assistance"
    label: str
    amount_cents: int


@dataclass(frozen=True)
class Quote:
    """The fee, each reduction, and the amount the patient is charged."""

    fee_cents: int
    currency: str
    lines: tuple[Line, ...]
    amount_cents: int

    @property
    def reduced(self) -> bool:
        """Whether anything lowers the fee."""
        return bool(self.lines)

    def covered_by(self, kind: str) -> int:
        """How much of the fee one kind of reduction covers (a positive amount)."""
        return -sum(line.amount_cents for line in self.lines if line.kind == kind)


def quote(
    fee_cents: int,
    currency: str,
    assistance: Assistance | None = None,
    sponsor: Sponsor | None = None,
) -> Quote:
    """The amount due for a fee, after a sponsor's cover and then approved assistance.

    :raise ValueError: a negative or huge fee, or a sponsor amount in another currency.
    """
    if not 0 <= fee_cents <= MAX_CENTS:
        raise ValueError(f"a fee is from 0 to {MAX_CENTS} cents")
    lines = []
    due = fee_cents
    if sponsor is not None:
        if sponsor.percent_off is not None:
            covered = (fee_cents * sponsor.percent_off * 2 + 100) // 200
        else:
            if sponsor.currency != currency:
                raise ValueError(f"the sponsor's amount is in {sponsor.currency}, not {currency}")
            covered = sponsor.amount_off_cents or 0
        covered = min(covered, due)
        if covered:
            lines.append(Line("sponsor", f"Paid by {sponsor.name}", -covered))
            due -= covered
    if assistance is not None and due > assistance.amount_cents:
        lines.append(Line("assistance", "Financial assistance", assistance.amount_cents - due))
        due = assistance.amount_cents
    return Quote(fee_cents, currency, tuple(lines), due)


def money(cents: int, currency: str) -> str:
    """``150.00 EUR`` for 15000 cents (a minus sign for reductions)."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100:,}.{cents % 100:02d} {currency}"


def decimal_amount(cents: int | None) -> str | None:
    """``150.00`` for 15000 cents (for exports); None stays None."""
    return None if cents is None else f"{cents // 100}.{cents % 100:02d}"
