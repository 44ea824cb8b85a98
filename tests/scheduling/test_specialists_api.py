"""Specialist profile, availability, time off, directory and slots through the API."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from telesecond.clock import utcnow
from telesecond.services.scheduling import specialists

PROFILE = {
    "specialties": ["Oncology ", "Haematology"],
    "conditions": ["Breast cancer", "  Lymphoma"],
    "languages": ["en", "pt_br"],
    "licensed_regions": ["de", "US-CA"],
    "bio": "Twenty years of breast oncology.",
    "fee_cents": 25000,
    "currency": "eur",
}
HOURS = {
    "timezone": "America/New_York",
    "weekly": [
        {"weekday": 0, "start": "09:00", "end": "12:00"},
        {"weekday": 0, "start": "13:00", "end": "15:00"},
        {"weekday": 2, "start": "20:00", "end": "24:00"},
    ],
    "consultation_minutes": 50,
    "buffer_minutes": 10,
    "min_notice_minutes": 60,
    "horizon_days": 30,
}


def minutes(hhmm: str) -> int:
    """Minutes after midnight of an ``HH:MM`` time."""
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


@pytest.fixture
def make_listed_specialist(make_specialist):
    """A specialist with this module's profile and hours (``HOURS``), ready to be found."""

    def factory(profile=None, hours=None, **account):
        h = {**HOURS, **(hours or {})}
        return make_specialist(
            hours_timezone=h["timezone"],
            weekly=[(w["weekday"], minutes(w["start"]), minutes(w["end"])) for w in h["weekly"]],
            consultation=h["consultation_minutes"],
            buffer=h["buffer_minutes"],
            notice=h["min_notice_minutes"],
            horizon=h["horizon_days"],
            profile={**PROFILE, **(profile or {})},
            **account,
        )

    return factory


def test_put_profile_normalises_tags(client, make_account, auth_header):
    doctor = make_account(role="specialist")
    response = client.put(
        "/api/v1/me/specialist-profile", headers=auth_header(doctor), json=PROFILE
    )
    assert response.status_code == 200, response.text
    body = response.get_json()
    assert body["id"] == doctor.id
    assert body["specialties"] == ["Oncology", "Haematology"]
    assert body["conditions"] == ["Breast cancer", "Lymphoma"]
    assert body["languages"] == ["en", "pt-BR"]
    # What the specialist enters is a claim; only licences an admin verifies are licensure.
    assert body["claimed_regions"] == ["DE", "US-CA"]
    assert body["licensed_regions"] == []
    assert body["verification"] == "pending"
    assert body["currency"] == "EUR"
    assert body["next_available_start"] is None  # no hours yet


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"languages": ["english!"]}, "languages"),
        ({"licensed_regions": ["XX"]}, "licensed_regions"),
        ({"licensed_regions": ["US-"]}, "licensed_regions"),
        ({"currency": "euro"}, "currency"),
        ({"fee_cents": -1}, "fee_cents"),
        ({"specialties": []}, "specialties"),
    ],
)
def test_put_profile_refuses_bad_values(client, make_account, auth_header, patch, field):
    doctor = make_account(role="specialist")
    response = client.put(
        "/api/v1/me/specialist-profile", headers=auth_header(doctor), json={**PROFILE, **patch}
    )
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_patients_cannot_have_a_specialist_profile(client, make_account, auth_header):
    response = client.put(
        "/api/v1/me/specialist-profile", headers=auth_header(make_account()), json=PROFILE
    )
    assert response.status_code == 403


def test_availability_round_trip(client, make_account, auth_header):
    doctor = make_account(role="specialist")
    headers = auth_header(doctor)
    body = {
        **HOURS,
        "overrides": [
            {"date": "2026-03-07", "windows": [{"start": "10:00", "end": "11:00"}]},
            {"date": "2026-03-09", "windows": []},
        ],
    }
    response = client.put("/api/v1/me/availability", headers=headers, json=body)
    assert response.status_code == 200, response.text
    got = client.get("/api/v1/me/availability", headers=headers).get_json()
    assert got["weekly"] == HOURS["weekly"]
    assert got["overrides"] == body["overrides"]
    assert got["timezone"] == "America/New_York"
    assert got["consultation_minutes"] == 50


@pytest.mark.parametrize(
    ("weekly", "message"),
    [
        (
            [
                {"weekday": 0, "start": "09:00", "end": "12:00"},
                {"weekday": 0, "start": "11:00", "end": "13:00"},
            ],
            "overlap",
        ),
        ([{"weekday": 1, "start": "12:00", "end": "11:00"}], "end"),
        ([{"weekday": 7, "start": "09:00", "end": "10:00"}], "weekday"),
        ([{"weekday": 1, "start": "9am", "end": "10:00"}], "HH:MM"),
        ([{"weekday": 1, "start": "24:00", "end": "24:00"}], "00:00"),
    ],
)
def test_availability_refuses_bad_windows(client, make_account, auth_header, weekly, message):
    response = client.put(
        "/api/v1/me/availability",
        headers=auth_header(make_account(role="specialist")),
        json={**HOURS, "weekly": weekly},
    )
    assert response.status_code == 422
    text = " ".join(response.get_json()["errors"]["weekly"]).lower()
    assert message.lower() in text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("horizon_days", 366),
        ("min_notice_minutes", 43_201),
        ("consultation_minutes", 0),
        ("timezone", "Europe/Atlantis"),
    ],
)
def test_availability_limits(client, make_account, auth_header, field, value):
    response = client.put(
        "/api/v1/me/availability",
        headers=auth_header(make_account(role="specialist")),
        json={**HOURS, field: value},
    )
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_slots_are_public_sorted_utc_and_respect_local_hours(client, make_listed_specialist):
    doctor = make_listed_specialist()
    # Monday 2026-03-02, New York is UTC-5: 09:00 local = 14:00Z. Clock is 09:00Z.
    response = client.get(
        f"/api/v1/specialists/{doctor.id}/slots",
        query_string={"start": "2026-03-02T00:00:00Z", "end": "2026-03-03T00:00:00Z"},
    )
    assert response.status_code == 200
    starts = [s["start"] for s in response.get_json()["items"]]
    assert starts == [
        "2026-03-02T14:00:00Z",
        "2026-03-02T15:00:00Z",
        "2026-03-02T16:00:00Z",
        "2026-03-02T18:00:00Z",
        "2026-03-02T19:00:00Z",
    ]
    assert response.get_json()["items"][0]["end"] == "2026-03-02T14:50:00Z"


def test_slots_keep_local_hours_across_the_spring_change(client, make_listed_specialist, clock):
    doctor = make_listed_specialist()
    # US clocks move forward on Sunday 2026-03-08; Monday 9:00 is then 13:00Z, not 14:00Z.
    response = client.get(
        f"/api/v1/specialists/{doctor.id}/slots",
        query_string={"start": "2026-03-09T00:00:00Z", "end": "2026-03-10T00:00:00Z"},
    )
    assert response.get_json()["items"][0]["start"] == "2026-03-09T13:00:00Z"


def test_time_off_removes_slots_and_can_be_deleted(client, make_listed_specialist, auth_header):
    doctor = make_listed_specialist()
    headers = auth_header(doctor)
    created = client.post(
        "/api/v1/me/time-off",
        headers=headers,
        json={"start": "2026-03-02T14:30:00Z", "end": "2026-03-02T16:10:00Z", "note": "clinic"},
    )
    assert created.status_code == 201
    query = {"start": "2026-03-02T00:00:00Z", "end": "2026-03-03T00:00:00Z"}
    starts = [
        s["start"]
        for s in client.get(
            f"/api/v1/specialists/{doctor.id}/slots", query_string=query
        ).get_json()["items"]
    ]
    assert starts == ["2026-03-02T18:00:00Z", "2026-03-02T19:00:00Z"]
    time_off_id = created.get_json()["id"]
    assert client.delete(f"/api/v1/me/time-off/{time_off_id}", headers=headers).status_code == 204
    assert (
        len(
            client.get(f"/api/v1/specialists/{doctor.id}/slots", query_string=query).get_json()[
                "items"
            ]
        )
        == 5
    )
    assert client.delete(f"/api/v1/me/time-off/{time_off_id}", headers=headers).status_code == 404


def test_time_off_of_another_specialist_is_404(client, make_listed_specialist, auth_header):
    owner, other = make_listed_specialist(), make_listed_specialist()
    created = client.post(
        "/api/v1/me/time-off",
        headers=auth_header(owner),
        json={"start": "2026-03-02T14:30:00Z", "end": "2026-03-02T16:10:00Z"},
    )
    response = client.delete(
        f"/api/v1/me/time-off/{created.get_json()['id']}", headers=auth_header(other)
    )
    assert response.status_code == 404


def test_time_off_must_end_after_it_starts(client, make_listed_specialist, auth_header):
    response = client.post(
        "/api/v1/me/time-off",
        headers=auth_header(make_listed_specialist()),
        json={"start": "2026-03-02T16:00:00Z", "end": "2026-03-02T15:00:00Z"},
    )
    assert response.status_code == 422
    assert "end" in response.get_json()["errors"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"start": "2026-03-02T00:00:00Z", "end": "2026-05-03T00:00:00Z"}, 200),  # 62 days
        ({"start": "2026-03-02T00:00:00Z", "end": "2026-05-03T00:00:01Z"}, 422),
        ({"start": "2026-03-02", "end": "2026-03-03T00:00:00Z"}, 422),
        ({"start": "0001-01-01T00:00:00Z"}, 422),
        ({"start": "9999-12-31T23:59:59Z"}, 422),
        ({"start": "2026-03-02T00:00:00+14:00", "end": "2026-03-01T00:00:00Z"}, 422),
        ({"start": "2026-03-02T00:00:00"}, 422),
    ],
)
def test_slot_window_limits(client, make_listed_specialist, query, status):
    response = client.get(
        f"/api/v1/specialists/{make_listed_specialist().id}/slots", query_string=query
    )
    assert response.status_code == status, response.text


def test_slots_of_an_unknown_specialist_are_404(client):
    response = client.get("/api/v1/specialists/999/slots")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def _names(client, **query) -> list[str]:
    response = client.get("/api/v1/specialists", query_string=query)
    assert response.status_code == 200, response.text
    return [item["full_name"] for item in response.get_json()["items"]]


def test_directory_filters(client, make_listed_specialist):
    make_listed_specialist(full_name="Dr Onco")
    make_listed_specialist(
        full_name="Dr Cardio",
        profile={
            "specialties": ["Cardiology"],
            "conditions": ["Heart failure"],
            "languages": ["es", "en-GB"],
            "licensed_regions": ["US"],
        },
    )
    assert _names(client, specialty="  ONCOLOGY") == ["Dr Onco"]
    assert _names(client, condition="heart   failure") == ["Dr Cardio"]
    assert _names(client, language="es") == ["Dr Cardio"]
    assert sorted(_names(client, language="en")) == ["Dr Cardio", "Dr Onco"]
    assert _names(client, language="pt-BR") == ["Dr Onco"]
    assert _names(client, language="pt-PT") == []
    assert _names(client, region="us-ca") == ["Dr Onco"]
    assert _names(client, region="US") == ["Dr Cardio"]  # US-CA licence does not cover US
    assert _names(client, region="DE", specialty="cardiology") == []


def test_directory_bad_region_is_422(client):
    response = client.get("/api/v1/specialists", query_string={"region": "Narnia"})
    assert response.status_code == 422
    assert "region" in response.get_json()["errors"]


def test_directory_sorts_by_soonest_and_shows_next_available(client, make_listed_specialist, clock):
    later = make_listed_specialist(
        full_name="Dr Later", hours={"weekly": [{"weekday": 3, "start": "09:00", "end": "10:00"}]}
    )
    sooner = make_listed_specialist(full_name="Dr Sooner")
    idle = make_listed_specialist(full_name="Dr Idle", hours={"weekly": []})
    body = client.get("/api/v1/specialists").get_json()
    assert [i["id"] for i in body["items"]] == [sooner.id, later.id, idle.id]
    assert body["items"][0]["next_available_start"] == "2026-03-02T14:00:00Z"
    assert body["items"][1]["next_available_start"] == "2026-03-05T14:00:00Z"
    assert body["items"][2]["next_available_start"] is None
    assert body["next"] is None


def test_directory_cache_follows_time_off(client, make_listed_specialist, auth_header):
    doctor = make_listed_specialist()
    assert (
        client.get("/api/v1/specialists").get_json()["items"][0]["next_available_start"]
        == "2026-03-02T14:00:00Z"
    )
    client.post(
        "/api/v1/me/time-off",
        headers=auth_header(doctor),
        json={"start": "2026-03-02T00:00:00Z", "end": "2026-03-03T00:00:00Z"},
    )
    assert (
        client.get("/api/v1/specialists").get_json()["items"][0]["next_available_start"]
        == "2026-03-05T01:00:00Z"
    )  # Wed 20:00 New York


def test_directory_pagination(client, make_listed_specialist):
    for n in range(5):
        make_listed_specialist(full_name=f"Dr {n}")
    first = client.get("/api/v1/specialists", query_string={"limit": 2}).get_json()
    second = client.get(
        "/api/v1/specialists", query_string={"limit": 2, "cursor": first["next"]}
    ).get_json()
    third = client.get(
        "/api/v1/specialists", query_string={"limit": 2, "cursor": second["next"]}
    ).get_json()
    ids = [i["id"] for page in (first, second, third) for i in page["items"]]
    assert len(ids) == len(set(ids)) == 5
    assert third["next"] is None
    assert client.get("/api/v1/specialists", query_string={"limit": 0}).status_code == 422
    assert client.get("/api/v1/specialists", query_string={"limit": 101}).status_code == 422
    assert client.get("/api/v1/specialists", query_string={"cursor": "garbage"}).status_code == 422


def test_get_one_specialist(client, make_listed_specialist):
    doctor = make_listed_specialist(full_name="Dr One")
    body = client.get(f"/api/v1/specialists/{doctor.id}").get_json()
    assert body["full_name"] == "Dr One"
    assert body["next_available_start"] == "2026-03-02T14:00:00Z"
    assert client.get("/api/v1/specialists/424242").status_code == 404


def test_min_notice_and_horizon_clip_slots(client, make_listed_specialist, clock):
    doctor = make_listed_specialist(hours={"min_notice_minutes": 6 * 60, "horizon_days": 2})
    # Now 09:00Z; notice 6 h → nothing before 15:00Z; horizon ends 2026-03-04T09:00Z.
    items = client.get(
        f"/api/v1/specialists/{doctor.id}/slots",
        query_string={"start": "2026-03-02T00:00:00Z", "end": "2026-03-09T00:00:00Z"},
    ).get_json()["items"]
    starts = [i["start"] for i in items]
    assert starts[0] == "2026-03-02T15:00:00Z"
    assert all(
        datetime.fromisoformat(i["end"]) <= datetime(2026, 3, 4, 9, tzinfo=UTC) for i in items
    )
    # Wednesday's 20:00 New York window (2026-03-05T01:00Z) lies beyond the horizon.
    assert starts[-1] == "2026-03-02T19:00:00Z"


def test_override_dates_must_be_usable(client, make_account, auth_header):
    response = client.put(
        "/api/v1/me/availability",
        headers=auth_header(make_account(role="specialist")),
        json={**HOURS, "overrides": [{"date": "0001-01-01", "windows": []}]},
    )
    assert response.status_code == 422
    assert "overrides" in response.get_json()["errors"]


def test_the_service_refuses_a_negative_fee(make_account):
    from telesecond.services.errors import Invalid

    with pytest.raises(Invalid) as caught:
        specialists.update_profile(
            make_account(role="specialist"), **{**PROFILE, "fee_cents": -5}, now=utcnow()
        )
    assert "fee_cents" in caught.value.errors
