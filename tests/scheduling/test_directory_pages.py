"""The public directory: search, next available times, and a specialist's week of slots."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from telesecond.clock import utcnow
from telesecond.services.scheduling import specialists
from tests.credentials import PASSWORD

NEW_YORK = "America/New_York"
MON_TUE_9_TO_5 = [(0, 540, 1020), (1, 540, 1020)]


@pytest.fixture
def make_directory_specialist(make_specialist):
    """A specialist for the directory, by default a New York cardiologist licensed in the US.

    Open Monday and Tuesday 09:00-17:00 unless told; ``weekly=None``: no hours set at all.
    """

    def factory(
        name: str,
        *,
        timezone: str = NEW_YORK,
        specialties=("Cardiology",),
        conditions=(),
        languages=("en",),
        regions=("US",),
        weekly=MON_TUE_9_TO_5,
        horizon_days: int = 60,
    ):
        return make_specialist(
            full_name=name,
            timezone=timezone,
            profile={
                "specialties": list(specialties),
                "conditions": list(conditions),
                "languages": list(languages),
                "licensed_regions": list(regions),
                "bio": "",
                "fee_cents": 15000,
                "currency": "USD",
            },
            hours=weekly is not None,
            weekly=list(weekly or []),
            consultation=45,
            buffer=15,
            notice=24 * 60,
            horizon=horizon_days,
        )

    return factory


def names(html: str) -> list[str]:
    return re.findall(r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def three(make_directory_specialist):
    """A cardiologist in New York, an oncologist in Berlin and a cardiologist in São Paulo."""
    return {
        "a": make_directory_specialist(
            "Dr Amos", conditions=["Atrial fibrillation"], regions=["US"]
        ),
        "b": make_directory_specialist(
            "Dr Berta",
            timezone="Europe/Berlin",
            specialties=["Oncology"],
            conditions=["Breast cancer"],
            languages=["de", "en-GB"],
            regions=["DE", "US-CA"],
        ),
        "c": make_directory_specialist(
            "Dr Caio",
            timezone="America/Sao_Paulo",
            conditions=["Heart failure"],
            languages=["pt-BR"],
            regions=["BR"],
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Dr Amos", "Dr Berta", "Dr Caio"}),
        ("specialty=+cardiology+", {"Dr Amos", "Dr Caio"}),
        ("condition=BREAST%20CANCER", {"Dr Berta"}),
        ("language=pt", {"Dr Caio"}),
        ("language=en", {"Dr Amos", "Dr Berta"}),
        ("region=US", {"Dr Amos"}),
        ("region=us-ca", {"Dr Berta"}),
        ("specialty=Cardiology&region=BR", {"Dr Caio"}),
    ],
)
def test_directory_filters(client, three, query, expected):
    page = client.get(f"/specialists?{query}")
    assert page.status_code == 200
    assert set(names(page.text)) == expected


def test_no_match_says_so(client, three):
    page = client.get("/specialists?specialty=Dermatology")
    assert page.status_code == 200
    assert names(page.text) == []
    assert "No specialist matches your search" in page.text


def test_next_available_is_shown_in_the_viewers_zone(client, submit, make_account, three):
    # Dr Amos's first slot: Tuesday 3 March, 09:00 in New York = 14:00 UTC.
    anonymous = client.get("/specialists?region=US&tz=Asia/Tokyo").text
    assert '<time datetime="2026-03-03T14:00:00Z">Tue 03 Mar 2026, 23:00 (Asia/Tokyo, JST)' in (
        anonymous
    )
    assert 'value="Asia/Tokyo"' in anonymous
    utc = client.get("/specialists?region=US").text
    assert "Tue 03 Mar 2026, 14:00 (UTC)" in utc
    unknown = client.get("/specialists?region=US&tz=Mars/Olympus").text
    assert "We do not know that time zone; times are shown in UTC." in unknown
    assert "Tue 03 Mar 2026, 14:00 (UTC)" in unknown

    patient = make_account(timezone="Europe/Berlin")
    submit("/login", {"email": patient.email, "password": PASSWORD})
    signed_in = client.get("/specialists?region=US").text
    assert "Tue 03 Mar 2026, 15:00 (Europe/Berlin, CET)" in signed_in
    assert 'name="tz" type="text" value="Europe/Berlin"' in signed_in


def test_a_bad_region_is_a_form_error_not_a_crash(client, three):
    page = client.get("/specialists?region=Narnia&specialty=Cardiology")
    assert page.status_code == 422
    assert "We do not know the place “Narnia”. Type a country or a state" in page.text
    assert 'value="Narnia"' in page.text
    assert names(page.text) == []
    assert "No specialist matches" not in page.text


def test_a_bad_cursor_is_a_422(client, three):
    page = client.get("/specialists?cursor=%%%")
    assert page.status_code == 422
    assert "This cursor is not valid" in page.text


def test_pagination_follows_the_cursor(client, make_directory_specialist):
    for n in range(21):
        make_directory_specialist(f"Dr Page{n:02d}", weekly=None)
    first = client.get("/specialists?specialty=cardiology&tz=Europe/Paris")
    assert len(names(first.text)) == 20
    link = re.search(r'<a class="button" rel="next" href="([^"]+)">Next page</a>', first.text)
    assert link
    href = link.group(1).replace("&amp;", "&")
    assert "specialty=cardiology" in href
    assert "tz=Europe/Paris" in href
    second = client.get(href)
    assert second.status_code == 200
    assert len(names(second.text)) == 1
    assert "Next page" not in second.text
    assert set(names(first.text)).isdisjoint(names(second.text))
    assert "First page" in second.text


def slots_of(html: str) -> list[tuple[str, str]]:
    """(book link, visible text) of each slot link."""
    found = re.findall(r'<a class="slot" href="([^"]+)">(.*?)</a>', html, re.S)
    return [(href, re.sub(r"<[^>]+>", "", text).strip()) for href, text in found]


def test_detail_shows_the_week_in_the_viewers_zone_with_both_zones(
    client, submit, make_account, make_directory_specialist
):
    doctor = make_directory_specialist("Dr Nova")
    patient = make_account(timezone="Europe/Berlin")
    submit("/login", {"email": patient.email, "password": PASSWORD})

    page = client.get(f"/specialists/{doctor.id}")
    assert page.status_code == 200
    assert "Week of Monday 02 March 2026" in page.text
    assert "Previous week" not in page.text
    slots = slots_of(page.text)
    # Tuesday 09:00-17:00 in New York (UTC-5) is 15:00-23:00 in Berlin (UTC+1).
    assert len(slots) == 8
    href, text = slots[0]
    assert href == f"/book/{doctor.id}?start=2026-03-03T14:00:00Z"
    assert text == "15:00 Berlin time · 09:00 New York time for Dr Nova"
    assert '<h4 class="slot-day">Tuesday 03 March</h4>' in page.text

    link = re.search(r'href="([^"]+)">Next week</a>', page.text).group(1)
    assert "week=2026-03-09" in link
    following = client.get(link.replace("&amp;", "&"))
    assert "Week of Monday 09 March 2026" in following.text
    assert "Previous week" in following.text
    # New York moved to daylight time on 8 March; Berlin only on 29 March.
    href, text = slots_of(following.text)[0]
    assert href == f"/book/{doctor.id}?start=2026-03-09T13:00:00Z"
    assert text == "14:00 Berlin time · 09:00 New York time for Dr Nova"


def test_week_navigation_stays_between_now_and_the_horizon(client, make_directory_specialist):
    doctor = make_directory_specialist("Dr Near", horizon_days=10)
    past = client.get(f"/specialists/{doctor.id}?week=2020-01-06&tz=UTC")
    assert "Week of Monday 02 March 2026" in past.text
    assert "Previous week" not in past.text
    last = client.get(f"/specialists/{doctor.id}?week=2027-01-04&tz=UTC")
    assert "Week of Monday 09 March 2026" in last.text
    assert "Next week" not in last.text
    assert "Previous week" in last.text
    odd = client.get(f"/specialists/{doctor.id}?week=2026-03-11&tz=UTC")
    assert "Week of Monday 09 March 2026" in odd.text
    assert client.get(f"/specialists/{doctor.id}?week=nonsense").status_code == 200


def test_a_week_without_slots_says_so_and_links_to_the_next_free_week(
    client, make_directory_specialist, clock
):
    doctor = make_directory_specialist("Dr Away")
    specialists.add_time_off(
        doctor,
        start=datetime(2026, 3, 9, tzinfo=UTC),
        end=datetime(2026, 3, 16, tzinfo=UTC),
        now=utcnow(),
    )
    page = client.get(f"/specialists/{doctor.id}?week=2026-03-09&tz=UTC")
    assert page.status_code == 200
    assert slots_of(page.text) == []
    assert "No free times this week." in page.text
    assert f"/specialists/{doctor.id}?week=2026-03-16" in page.text
    assert '<time datetime="2026-03-16T13:00:00Z">' in page.text


def test_the_default_week_is_the_first_with_free_times(client, make_directory_specialist):
    # Only Mondays, and this Monday's hours are within the minimum notice.
    doctor = make_directory_specialist("Dr Monday", weekly=[(0, 540, 1020)])
    page = client.get(f"/specialists/{doctor.id}?tz=UTC")
    assert "Week of Monday 09 March 2026" in page.text
    assert slots_of(page.text)[0][0].endswith("start=2026-03-09T13:00:00Z")


def test_a_specialist_sees_slots_without_booking_links(client, submit, make_directory_specialist):
    doctor = make_directory_specialist("Dr Self")
    submit("/login", {"email": doctor.email, "password": PASSWORD})
    page = client.get(f"/specialists/{doctor.id}")
    assert page.status_code == 200
    assert slots_of(page.text) == []
    assert '<span class="slot">' in page.text
    assert "/book/" not in page.text


def test_unknown_specialist_is_404(client):
    assert client.get("/specialists/999999").status_code == 404
