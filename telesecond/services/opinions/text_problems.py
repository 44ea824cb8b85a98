"""What is wrong with a text of the opinion (its summary, an answer, an addendum, a
follow-up question), as one whole sentence in the reader's language."""

from __future__ import annotations

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import gettext as _


def count(number: int) -> str:
    """``number`` with the digit grouping of the page's language (10,000 in English)."""
    return format_decimal(number, locale=get_locale() or "en")


def _control(what: str, number: int) -> str:
    if what == "summary":
        return _("Remove the control characters from the summary.")
    if what == "recommendations":
        return _("Remove the control characters from the recommendations.")
    if what == "answer":
        return _(
            "Remove the control characters from the answer to question %(number)d.", number=number
        )
    if what == "addendum":
        return _("Remove the control characters from the addendum.")
    return _("Remove the control characters from the question.")


def _missing(what: str, number: int) -> str:
    if what == "summary":
        return _("Write the summary.")
    if what == "recommendations":
        return _("Write the recommendations.")
    if what == "answer":
        return _("Write the answer to question %(number)d.", number=number)
    if what == "addendum":
        return _("Write the addendum.")
    return _("Write the question.")


def _too_long(what: str, number: int, limit: int) -> str:
    if what == "summary":
        return _("Keep the summary under %(limit)s characters.", limit=count(limit))
    if what == "recommendations":
        return _("Keep the recommendations under %(limit)s characters.", limit=count(limit))
    if what == "answer":
        return _(
            "Keep the answer to question %(number)d under %(limit)s characters.",
            number=number,
            limit=count(limit),
        )
    if what == "addendum":
        return _("Keep the addendum under %(limit)s characters.", limit=count(limit))
    return _("Keep the question under %(limit)s characters.", limit=count(limit))


def text_problem(
    text: str, what: str, limit: int, *, required: bool, number: int = 0
) -> str | None:
    """What is wrong with ``text``, or None.

    ``what`` is ``"summary"``, ``"recommendations"``, ``"answer"`` (with the question's
    ``number``), ``"addendum"`` or ``"question"``.
    """
    if "\x00" in text:
        return _control(what, number)
    if required and not text:
        return _missing(what, number)
    if len(text) > limit:
        return _too_long(what, number, limit)
    return None
