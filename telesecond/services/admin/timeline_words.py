"""The words of an admin's consultation timeline, in the reader's language.

The English reads as it always did ("Booked", "Confirmation email sent"); audit actions
and document kinds stay the codes they are stored as.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

CHANGES = {
    "booked": _l("Booked"),
    "rescheduled": _l("Rescheduled"),
    "cancelled": _l("Cancelled"),
    "completed": _l("Completed"),
    "no_show": _l("No-show"),
    "awaiting_payment": _l("Awaiting payment"),
    "payment_lapsed": _l("Payment lapsed"),
}
# A message's line is "<kind> <channel> <status>" in English: "Confirmation email sent".
MESSAGE_KINDS = {
    "confirmation": _l("Confirmation"),
    "reminder": _l("Reminder"),
    "rescheduled": _l("Change of time"),
    "cancelled": _l("Cancellation notice"),
    "agenda": _l("Morning agenda"),
    "opinion_ready": _l("Written opinion ready"),
    "follow_up": _l("Follow-up question"),
}
CHANNELS = {"email": _l("email"), "sms": _l("SMS")}
STATUSES = {
    "sent": _l("sent"),
    "delivered": _l("delivered"),
    "failed": _l("failed"),
    "unknown": _l("outcome unknown"),
    "skipped": _l("not sent"),
}
ROLES = {"patient": _l("patient"), "specialist": _l("specialist"), "admin": _l("admin")}


def change(kind: str) -> str:
    return str(CHANGES.get(kind, kind.replace("_", "-").capitalize()))


def message(kind: str, channel: str, status: str) -> str:
    return gettext(
        "%(kind)s %(channel)s %(status)s",
        kind=MESSAGE_KINDS.get(kind, kind),
        channel=CHANNELS.get(channel, channel),
        status=STATUSES.get(status, status),
    )


def role(name: str) -> str:
    return str(ROLES.get(name, name))


def system() -> str:
    return gettext("system")


def account(role_name: str | None, account_id: int) -> str:
    if role_name is None:
        return gettext("account #%(id)d", id=account_id)
    return gettext("%(role)s #%(id)d", role=role(role_name), id=account_id)


def rescheduled(start: str, end: str) -> str:
    return gettext("from %(start)s to %(end)s", start=start, end=end)


def document_uploaded(kind: str) -> str:
    return gettext("Document uploaded (%(kind)s)", kind=kind)


def opinion(step: str) -> str:
    words = {
        "written": gettext("Opinion written"),
        "signed": gettext("Opinion signed"),
        "sent": gettext("Opinion sent to the doctor"),
    }
    return words[step]
