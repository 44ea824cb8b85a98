"""Whether a consultation's notice (booked, moved, cancelled) also goes to the patient by SMS.

Pure: the policy, the patient's preferences and the SMS already planned are arguments.
The email notice always goes, at once; the rules here are for its SMS twin:

1. **Channel.** Only to a patient who chose SMS and may get it (consent, a valid
   mobile, no STOP): ``reminders.channel_allowed``.
2. **Quiet hours.** A booking's confirmation goes at once: the patient is booking right
   then. A move or cancellation notice that falls inside the patient's quiet hours
   waits for their end (08:00 local by default), the earliest time that is not quiet.
3. **Caps.** The notice counts against the same SMS caps as the reminders
   (``sms_per_day`` per local day, ``sms_per_week`` in any 7 x 24 h window). The
   reminders claim capacity first (the 1 h join-link text matters most); a notice that
   does not fit is not sent by SMS, the email still goes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telesecond.domain.reminders import (
    ExistingSms,
    PatientPrefs,
    ReminderPolicy,
    channel_allowed,
    fits_sms_caps,
    is_quiet,
)
from telesecond.domain.wall_clock import earliest_instant

NOTICE_KINDS = ("confirmation", "rescheduled", "cancelled")


def after_quiet_hours(due: datetime, zone: ZoneInfo, policy: ReminderPolicy) -> datetime:
    """``due`` itself, or, inside quiet hours, the instant those quiet hours end."""
    local = due.astimezone(zone)
    if not is_quiet(local.time(), policy.quiet_start, policy.quiet_end):
        return due
    ends_on = local.date()
    if policy.quiet_start > policy.quiet_end and local.time() > policy.quiet_start:
        ends_on += timedelta(days=1)  # before midnight: they end the next morning
    return earliest_instant(ends_on, policy.quiet_end, zone)


def sms_notice_due(
    kind: str,
    *,
    now: datetime,
    policy: ReminderPolicy,
    prefs: PatientPrefs,
    other_sms: Sequence[ExistingSms] = (),
) -> datetime | None:
    """When the patient's SMS notice of ``kind`` goes out, or None when it does not.

    ``other_sms`` holds every SMS already planned or sent to the patient that the caps
    count, this consultation's new reminders included.
    """
    if kind not in NOTICE_KINDS or not channel_allowed("sms", prefs):
        return None
    zone = ZoneInfo(prefs.timezone)
    due = now if kind == "confirmation" else after_quiet_hours(now, zone, policy)
    if not fits_sms_caps(due, [sms.due_at for sms in other_sms], zone, policy):
        return None
    return due
