"""The clinic's refund rules (``REFUND_POLICY``): read them, apply them, say them in words.

Pure: the text, the hours before the start and whether the opinion is signed all come in
as arguments. The format is a comma-separated list of ``amount:when`` rules:

- ``amount`` is ``full`` (100%), ``half`` (50%), ``none`` (0%) or a percentage ``NN%``
  (0 to 100);
- ``when`` is ``Nh`` (``N`` whole hours, 0 to 8760) or ``signed``.

A rule ``amount:Nh`` refunds ``amount`` to a cancellation made at least ``N`` hours before
the start. The rule with the most hours that a cancellation reaches applies; one that
reaches none (after the start, or later than every rule allows) gets nothing back. A rule
``amount:signed`` applies once the specialist has signed the written opinion, whatever
the time. So ``full:24h,half:0h,none:signed`` (the default) refunds everything up to
24 hours before the call, half from then until the call starts, and nothing once the
opinion is signed.

Refunds may not grow as the call comes closer: each rule's amount is at most the amount
of the rule with more hours before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

DEFAULT = "full:24h,half:0h,none:signed"
MAX_HOURS = 24 * 366
MAX_RULES = 10

_NAMED = {"full": Fraction(1), "half": Fraction(1, 2), "none": Fraction(0)}
_PERCENT = re.compile(r"(\d{1,3})%")
_HOURS = re.compile(r"(\d{1,4})h")


@dataclass(frozen=True)
class Tier:
    """Refund ``fraction`` of the fee to a cancellation at least ``hours`` before the start."""

    hours: int
    fraction: Fraction


@dataclass(frozen=True)
class RefundPolicy:
    """Time tiers, most hours first, and what is refunded once the opinion is signed."""

    tiers: tuple[Tier, ...]
    after_signing: Fraction | None = None

    def refund_fraction(self, hours_before_start: float, opinion_signed: bool) -> Fraction:
        """The share of the fee refunded (0 to 1) for a cancellation at this point.

        ``hours_before_start`` is negative once the call has started.
        """
        return self.applied(hours_before_start, opinion_signed)[0]

    def applied(self, hours_before_start: float, opinion_signed: bool) -> tuple[Fraction, str]:
        """The share refunded and the rule that decided it, as written (``half:0h``), or
        ``none:started`` when no rule is reached."""
        if opinion_signed and self.after_signing is not None:
            return self.after_signing, f"{_written(self.after_signing)}:signed"
        for tier in self.tiers:
            if hours_before_start >= tier.hours:
                return tier.fraction, f"{_written(tier.fraction)}:{tier.hours}h"
        return Fraction(0), "none:started"


def _written(fraction: Fraction) -> str:
    """An amount as a rule writes it: ``full``, ``half``, ``none`` or ``NN%``."""
    for name, value in _NAMED.items():
        if fraction == value:
            return name
    return f"{float(fraction * 100):g}%"


def _amount(text: str) -> Fraction:
    if text in _NAMED:
        return _NAMED[text]
    match = _PERCENT.fullmatch(text)
    if match is None or int(match.group(1)) > 100:
        raise ValueError(f"{text!r} is not full, half, none or a percentage from 0% to 100%")
    return Fraction(int(match.group(1)), 100)


def parse(text: str) -> RefundPolicy:
    """Read a policy such as ``full:24h,half:0h,none:signed``; ValueError says what is wrong."""
    parts = [p.strip().lower() for p in (text or "").split(",")]
    if not any(parts):
        raise ValueError("the refund policy is empty: give rules such as full:24h,none:0h")
    if len(parts) > MAX_RULES:
        raise ValueError(f"give at most {MAX_RULES} refund rules")
    tiers: dict[int, Fraction] = {}
    after_signing = None
    for part in parts:
        amount, colon, when = part.partition(":")
        if not colon:
            raise ValueError(f"{part!r} is not amount:when, as in full:24h or none:signed")
        fraction = _amount(amount.strip())
        when = when.strip()
        if when == "signed":
            if after_signing is not None:
                raise ValueError("give at most one rule for a signed opinion")
            after_signing = fraction
            continue
        match = _HOURS.fullmatch(when)
        if match is None or int(match.group(1)) > MAX_HOURS:
            raise ValueError(f"{when!r} is not a number of hours (0h to {MAX_HOURS}h) or signed")
        hours = int(match.group(1))
        if hours in tiers:
            raise ValueError(f"two rules for {hours}h")
        tiers[hours] = fraction
    ordered = tuple(Tier(h, tiers[h]) for h in sorted(tiers, reverse=True))
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if later.fraction > earlier.fraction:
            raise ValueError(
                f"the refund at {later.hours}h may not be larger than the one at {earlier.hours}h"
            )
    return RefundPolicy(ordered, after_signing)
