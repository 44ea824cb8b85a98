"""The video tests' case: when the consultation starts, and readers for redirects and rooms."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models.video import VideoRoom

# Tuesday 2026-03-03 10:00-11:00 UTC (11:00 Berlin); the frozen clock is Monday 09:00 UTC.
START = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


def location_of(response) -> str:
    """Where a redirect points."""
    return response.headers["Location"]


def query_param(url: str, name: str) -> str:
    """The raw value of one query parameter of ``url`` (fails if it is missing)."""
    found = re.search(rf"[?&]{name}=([^&#]+)", url)
    assert found, f"no {name} in {url}"
    return found.group(1)


def stored_room(consultation_id: int) -> VideoRoom:
    """The consultation's room as the database has it now."""
    room = db.session.scalar(select(VideoRoom).where(VideoRoom.consultation_id == consultation_id))
    db.session.refresh(room)
    return room
