"""When the people of a consultation may join its video call.

Pure: the consultation's times, the settings and ``now`` are arguments. The rules:

* The window opens ``opens_minutes`` before the start and closes ``grace_minutes``
  after the end.
* It includes its opening instant and excludes its closing one: at ``opens_at`` the
  state is ``open``, at ``closes_at`` it is ``after``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal, NamedTuple

WindowState = Literal["before", "open", "after"]


class JoinWindow(NamedTuple):
    """The half-open span [opens_at, closes_at) in which joining is allowed."""

    opens_at: datetime
    closes_at: datetime


def join_window(
    start: datetime, end: datetime, *, opens_minutes: int, grace_minutes: int
) -> JoinWindow:
    """When people may join: ``opens_minutes`` before the start until ``grace_minutes`` after."""
    return JoinWindow(
        start - timedelta(minutes=opens_minutes), end + timedelta(minutes=grace_minutes)
    )


def window_state(opens_at: datetime, closes_at: datetime, now: datetime) -> WindowState:
    """Before, inside or after a window that includes its opening instant."""
    if now < opens_at:
        return "before"
    if now >= closes_at:
        return "after"
    return "open"
