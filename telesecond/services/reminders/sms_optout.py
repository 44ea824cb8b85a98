"""SMS opt-out and opt-in: STOP/START replies and Twilio's 21610 answer.

An opt-out only stops SMS; email reminders go on. Opting back in needs the consent
recorded before (START does not invent consent that was never given).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import Account

# Twilio's standard opt-out, opt-in and help keywords (case-insensitive, whole message).
STOP_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
START_WORDS = frozenset({"START", "UNSTOP", "YES"})
HELP_WORDS = frozenset({"HELP", "INFO"})


def keyword(body: str | None) -> str | None:
    """``stop``, ``start`` or ``help`` for an inbound text that is one of the keywords."""
    word = " ".join((body or "").split()).upper().strip(".!")
    if word in STOP_WORDS:
        return "stop"
    if word in START_WORDS:
        return "start"
    if word in HELP_WORDS:
        return "help"
    return None


def accounts_with_phone(number: str) -> list[Account]:
    """Every account whose phone is the E.164 ``number`` (a number may be shared)."""
    if not number:
        return []
    return list(db.session.scalars(select(Account).where(Account.phone == number.strip())))


def mark_opted_out(account: Account, *, now: datetime) -> None:
    """Record that ``account`` wants no more SMS (keeps the first opt-out time)."""
    if account.sms_opted_out_at is None:
        account.sms_opted_out_at = now


def opt_in(account: Account) -> None:
    """Clear an opt-out so SMS go out again (where consent was given)."""
    account.sms_opted_out_at = None


def apply_keyword(number: str, word: str, *, now: datetime) -> int:
    """Opt the accounts with ``number`` out (``stop``) or back in (``start``); not committed.

    :return: how many accounts matched.
    """
    matched = accounts_with_phone(number)
    for account in matched:
        if word == "stop":
            mark_opted_out(account, now=now)
        elif word == "start":
            opt_in(account)
    return len(matched)
