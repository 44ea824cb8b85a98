"""What is wrong with a specialist's public profile, in the reader's language.

The domain's tag rules raise plain English; the profile's page says why in the
specialist's own language, so the reasons are worded again here.
"""

from __future__ import annotations

from flask_babel import gettext as _


def tag_problem(kind: str, value: str) -> str:
    """Why ``value`` is not a tag of ``kind`` (``specialty``, ``condition``, ``language``,
    ``region``), once the domain has refused it."""
    if kind == "language":
        return _("%(tag)s is not a language tag such as en, es or pt-BR.", tag=repr(value))
    if kind == "region":
        if not value.strip():
            return _("Enter a country code such as DE, or a state code such as US-CA.")
        return _("“%(code)s” is not a country code (DE) or state code (US-CA).", code=value.strip())
    if not " ".join(value.split()):
        return _("Tags cannot be empty.")
    return _("Keep each tag under %(num)d characters.", num=120)


def currency_problem() -> str:
    return _("Use a three-letter currency code such as EUR or USD.")


def too_many(most: int) -> str:
    return _("Give at most %(num)d.", num=most)


def fee_out_of_range(most_cents: int) -> str:
    return _("The fee must be between 0 and %(most)d (in cents).", most=most_cents)


def no_specialty() -> str:
    return _("Name at least one specialty.")


def no_language() -> str:
    return _("Name at least one language you consult in.")


def needs_attention() -> str:
    return _("Some fields need attention.")
