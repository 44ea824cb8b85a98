"""Whether a queued message may still go out: SMS eligibility and reasons to skip.

Pure: the recipient's and the consultation's state and ``now`` are arguments. Rules:

* **SMS eligibility.** An SMS needs recorded consent, a number in E.164 form
  (``+`` and 7 to 15 digits, no leading zero) and no opt-out (STOP).
* **Skips.** Messages about a consultation that only make sense before it
  (``BEFORE_START``: reminders, confirmations, reschedule notices) are skipped once it
  is cancelled or has started (``now >= start``). A reminder also needs the
  consultation to be ``confirmed``: a completed or no-show one gets none. Other kinds
  (cancellation notices, agendas) are never skipped here.
"""

from __future__ import annotations

import re
from datetime import datetime

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# Kinds that only make sense before the consultation starts (and while it stands).
BEFORE_START = ("reminder", "confirmation", "rescheduled")


def sms_allowed(*, phone: str | None, consented: bool, opted_out: bool) -> bool:
    """SMS needs recorded consent, an E.164 mobile number and no opt-out."""
    return bool(consented and not opted_out and phone and E164.match(phone))


def skip_reason(kind: str, *, status: str, start: datetime, now: datetime) -> str | None:
    """Why a message of ``kind`` about a consultation must not be sent at ``now``, or None."""
    if kind not in BEFORE_START:
        return None
    if status == "cancelled":
        return "consultation cancelled"
    if kind == "reminder" and status != "confirmed":
        return f"consultation {status}"
    if now >= start:
        return "consultation already started"
    return None
