"""What a patient's own cancellation refunds, from the clinic's ``REFUND_POLICY``.

The policy is a comma-separated list of ``share:when`` rules:

- ``share`` is ``full`` (100%), ``half`` (50%), ``none`` (0%) or a percentage ``NN%``;
- ``when`` is ``<N>h`` (the cancellation comes at least N hours before the start) or
  ``signed`` (the specialist has written the opinion).

``full:24h,half:0h,none:signed`` reads: a full refund up to 24 hours before the start,
half after that until the start, nothing once the opinion is written. The rules are
weighed in this order:

1. a ``signed`` rule wins once the opinion is written;
2. otherwise the hour rule with the largest N the cancellation still meets;
3. none met (the start has passed, say): no refund.

A cancellation by the specialist or the clinic always refunds in full (not here: it is
not the patient's choice). Amounts are whole minor units (cents), rounded down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

SHARES = {"full": 100, "half": 50, "none": 0}
_HOURS = re.compile(r"^(\d{1,4})h$")
_PERCENT = re.compile(r"^(\d{1,3})%$")


@dataclass(frozen=True)
class RefundRule:
    """One ``share:when`` rule: ``percent`` refunded, ``hours`` before the start or None
    for the ``signed`` rule."""

    percent: int
    hours: int | None

    @property
    def text(self) -> str:
        names = {v: k for k, v in SHARES.items()}
        share = names.get(self.percent, f"{self.percent}%")
        return f"{share}:{'signed' if self.hours is None else f'{self.hours}h'}"


@dataclass(frozen=True)
class RefundPolicy:
    """Every rule of a policy, hour rules sorted by hours, largest first."""

    by_hours: tuple[RefundRule, ...]
    once_signed: RefundRule | None


@dataclass(frozen=True)
class RefundDecision:
    """The share of the payment a cancellation refunds and the rule that decided it."""

    percent: int
    rule: str


def parse_policy(text: str) -> RefundPolicy:
    """Read a policy such as ``full:24h,half:0h,none:signed``.

    :raise ValueError: the text says why a part is not a rule.
    """
    hour_rules: dict[int, RefundRule] = {}
    signed: RefundRule | None = None
    parts = [part.strip().lower() for part in (text or "").split(",") if part.strip()]
    if not parts:
        raise ValueError("REFUND_POLICY needs at least one rule such as full:24h")
    for part in parts:
        share, sep, when = part.partition(":")
        if not sep:
            raise ValueError(f"REFUND_POLICY rule {part!r} is not share:when")
        percent = _percent(share.strip())
        when = when.strip()
        if when == "signed":
            if signed is not None:
                raise ValueError("REFUND_POLICY has two 'signed' rules")
            signed = RefundRule(percent, None)
            continue
        hours = _HOURS.match(when)
        if hours is None:
            raise ValueError(f"REFUND_POLICY: {when!r} is neither <N>h nor signed")
        n = int(hours.group(1))
        if n in hour_rules:
            raise ValueError(f"REFUND_POLICY has two rules for {n}h")
        hour_rules[n] = RefundRule(percent, n)
    ordered = tuple(sorted(hour_rules.values(), key=lambda r: -(r.hours or 0)))
    return RefundPolicy(by_hours=ordered, once_signed=signed)


def _percent(share: str) -> int:
    if share in SHARES:
        return SHARES[share]
    match = _PERCENT.match(share)
    if match is None or int(match.group(1)) > 100:
        raise ValueError(f"REFUND_POLICY share {share!r} is not full, half, none or 0-100%")
    return int(match.group(1))


def patient_refund(
    policy: RefundPolicy, *, start: datetime, now: datetime, opinion_written: bool
) -> RefundDecision:
    """The share a patient's own cancellation at ``now`` refunds."""
    if opinion_written and policy.once_signed is not None:
        return RefundDecision(policy.once_signed.percent, policy.once_signed.text)
    ahead = start - now
    for rule in policy.by_hours:
        if ahead >= timedelta(hours=rule.hours or 0):
            return RefundDecision(rule.percent, rule.text)
    return RefundDecision(0, "none:started")


def share_of(amount_cents: int, percent: int) -> int:
    """``percent`` of an amount in minor units, rounded down."""
    return amount_cents * percent // 100
