"""What the fee buys and the clinic's refund rules, as every price display shows them."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from telesecond.domain.refund_policy import describe


@dataclass(frozen=True)
class FeeTerms:
    """What the fee includes, the refund rules in words, and who collects the money."""

    includes: tuple[str, ...]
    refund_rules: tuple[str, ...]
    billed_by_clinic: bool


def current() -> FeeTerms:
    """The terms from the clinic's settings (``FEE_INCLUDES``, ``REFUND_POLICY``)."""
    config = current_app.config
    provider = str(config.get("PAYMENTS_PROVIDER") or "none").strip().lower()
    return FeeTerms(
        includes=tuple(config["FEE_INCLUDES_LIST"]),
        refund_rules=tuple(describe(config["REFUND_RULES"])),
        billed_by_clinic=provider == "none",
    )
