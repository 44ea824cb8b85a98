"""Times as the viewer's locale writes them (issue 19.5).

12-hour in US English (``en-US``), 24-hour elsewhere, ``en`` without a region included;
a cross-zone slot names the zone on both sides, "4:00 AM New York time · 9:00 AM London
time", and the names hold on either side of each daylight-saving change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from flask_babel import refresh

from telesecond.web.templating import clock, local_day, zone_time
from tests.web_forms import login

NEW_YORK, LONDON = "America/New_York", "Europe/London"


@contextmanager
def viewing(app, accept: str) -> Iterator[None]:
    """A request from a browser preferring ``accept`` (the test's app context is shared,
    so Flask-Babel's cached locale is dropped)."""
    with app.test_request_context(headers={"Accept-Language": accept}):
        refresh()
        yield
    refresh()


def pair(app, accept: str, instant: datetime) -> str:
    """A slot as a New York patient of a London specialist reads it."""
    with viewing(app, accept):
        return f"{zone_time(instant, NEW_YORK)} · {zone_time(instant, LONDON)}"


@pytest.mark.parametrize(
    ("accept", "written"),
    [
        ("en-US", "4:00 PM"),
        ("en-us,en;q=0.8", "4:00 PM"),
        ("en", "16:00"),
        ("en-GB", "16:00"),
        ("es", "16:00"),
        ("es-US", "16:00"),
        ("hi", "16:00"),
    ],
)
def test_the_clock_is_12_hour_for_us_english_only(app, accept, written):
    with viewing(app, accept):
        assert clock(datetime(2026, 3, 2, 16, tzinfo=UTC), "UTC") == written


def test_days_are_written_as_the_locale_writes_them(app):
    day = datetime(2026, 3, 3).date()
    with viewing(app, "en-US"):
        assert local_day(day) == "Tuesday, March 3"
    with viewing(app, "en"):
        assert local_day(day) == "Tuesday 03 March"
    with viewing(app, "es"):
        assert local_day(day) == "martes 03 marzo"


@pytest.mark.parametrize(
    ("instant", "us", "gb"),
    [
        # Winter: New York is five hours behind London.
        (
            datetime(2026, 3, 2, 9, tzinfo=UTC),
            "4:00 AM New York time · 9:00 AM London time",
            "04:00 New York time · 09:00 London time",
        ),
        # Spring: New York moves its clocks on 8 March, London only on 29 March.
        (
            datetime(2026, 3, 10, 9, tzinfo=UTC),
            "5:00 AM New York time · 9:00 AM London time",
            "05:00 New York time · 09:00 London time",
        ),
        (
            datetime(2026, 3, 30, 8, tzinfo=UTC),
            "4:00 AM New York time · 9:00 AM London time",
            "04:00 New York time · 09:00 London time",
        ),
        # Autumn: London moves back on 25 October, New York only on 1 November.
        (
            datetime(2026, 10, 27, 9, tzinfo=UTC),
            "5:00 AM New York time · 9:00 AM London time",
            "05:00 New York time · 09:00 London time",
        ),
        (
            datetime(2026, 11, 2, 9, tzinfo=UTC),
            "4:00 AM New York time · 9:00 AM London time",
            "04:00 New York time · 09:00 London time",
        ),
    ],
)
def test_a_cross_zone_slot_names_both_zones_across_daylight_saving(app, instant, us, gb):
    assert pair(app, "en-US", instant) == us
    assert pair(app, "en-GB", instant) == gb


def test_zone_names_come_in_the_page_language(app):
    instant = datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert pair(app, "es", instant) == "04:00 hora de Nueva York · 09:00 hora de Londres"
    assert pair(app, "hi", instant) == "04:00 न्यूयॉर्क समय · 09:00 लंदन समय"


def slot_texts(html: str) -> list[str]:
    found = re.findall(r'<a class="slot" href="[^"]+">(.*?)</a>', html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip() for text in found]


@pytest.mark.parametrize(
    ("accept", "first"),
    [
        ("en-US,en;q=0.9", "4:00 AM New York time · 9:00 AM London time for Dr Lowe"),
        ("en-GB", "04:00 New York time · 09:00 London time for Dr Lowe"),
        ("es", "04:00 hora de Nueva York · 09:00 hora de Londres para Dr Lowe"),
    ],
)
def test_the_specialists_page_writes_slots_for_the_viewer(
    client, make_account, make_specialist, accept, first
):
    doctor = make_specialist(full_name="Dr Lowe", timezone=LONDON)
    patient = make_account(timezone=NEW_YORK)
    login(client, patient)
    page = client.get(f"/specialists/{doctor.id}", headers={"Accept-Language": accept})
    assert page.status_code == 200
    # The clock stands at Monday 2026-03-02 09:00Z (09:00 London, the first free slot).
    assert slot_texts(page.text)[0] == first


def test_the_booking_page_names_both_zones_in_us_english(client, make_account, make_specialist):
    doctor = make_specialist(full_name="Dr Lowe", timezone=LONDON)
    patient = make_account(timezone=NEW_YORK)
    login(client, patient)
    page = client.get(
        f"/book/{doctor.id}?start=2026-03-03T09:00:00Z", headers={"Accept-Language": "en-US"}
    )
    assert page.status_code == 200
    assert "4:00 AM New York time · 9:00 AM London time" in page.text
    assert "04:00" not in page.text
