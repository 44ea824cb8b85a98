"""What the fee buys and the clinic's refund rules, as every price display shows them."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from telesecond.domain.refund_policy import RefundPolicy, Tier


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
        includes=tuple(_(item) for item in config["FEE_INCLUDES_LIST"]),
        refund_rules=tuple(in_words(config["REFUND_RULES"])),
        billed_by_clinic=provider == "none",
    )


# The default FEE_INCLUDES (config.py), marked here so that they are translated; a
# clinic's own wording is shown as it wrote it.
_DEFAULT_INCLUDES = (
    _l("The video consultation"),
    _l("A written second opinion you can share with your doctor"),
    _l("Answers to your follow-up questions about the opinion"),
)


def _share(fraction: Fraction) -> str:
    if fraction == 1:
        return _("A full refund")
    if fraction == 0:
        return _("No refund")
    if fraction == Fraction(1, 2):
        return _("A refund of half the fee (50%)")
    return _("A refund of %(percent)s%% of the fee", percent=f"{float(fraction * 100):g}")


def _hours(hours: int) -> str:
    return ngettext("%(num)d hour", "%(num)d hours", hours)


def _rule(tier: Tier, previous: Tier | None) -> str:
    refund = _share(tier.fraction)
    if previous is None:
        if tier.hours == 0:
            return _("%(refund)s if you cancel before the call starts.", refund=refund)
        return _(
            "%(refund)s if you cancel at least %(hours)s before the call.",
            refund=refund,
            hours=_hours(tier.hours),
        )
    if tier.hours == 0:
        return _(
            "%(refund)s if you cancel less than %(hours)s before the call, up to its start.",
            refund=refund,
            hours=_hours(previous.hours),
        )
    return _(
        "%(refund)s if you cancel less than %(longer)s but at least %(hours)s before the call.",
        refund=refund,
        longer=_hours(previous.hours),
        hours=_hours(tier.hours),
    )


def in_words(policy: RefundPolicy) -> list[str]:
    """The rules as plain sentences a patient reads before booking, in order of time, in
    the page's language."""
    sentences = []
    previous: Tier | None = None
    for tier in policy.tiers:
        sentences.append(_rule(tier, previous))
        previous = tier
    if previous is None:
        sentences.append(_("No refund if you cancel."))
    elif previous.fraction != 0:
        sentences.append(
            _("No refund once the call has started.")
            if previous.hours == 0
            else _(
                "No refund if you cancel less than %(hours)s before the call.",
                hours=_hours(previous.hours),
            )
        )
    if policy.after_signing is not None:
        sentences.append(
            _(
                "%(refund)s once the written opinion is signed.",
                refund=_share(policy.after_signing),
            )
        )
    return sentences
