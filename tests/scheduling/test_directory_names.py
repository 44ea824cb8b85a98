"""The directory understands people (issue 19.1): words and prefixes, names for codes.

Searches by the start of a word ("breast"), by a language's name ("Spanish") and by a
place's name ("New York"); results name languages and places; the patient's place goes
with them to the specialist's page and the booking form, and a specialist not licensed
there offers no times, saying why. Bad input is a 4xx with a message.
"""

from __future__ import annotations

import re

import pytest

from tests.credentials import PASSWORD


def names(html: str) -> list[str]:
    return re.findall(r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a>', html)


def api_names(client, **query) -> list[str]:
    response = client.get("/api/v1/specialists", query_string=query)
    assert response.status_code == 200, response.get_json()
    return sorted(item["full_name"] for item in response.get_json()["items"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"condition": "breast"}, {"Dr Okafor"}),
        ({"condition": "Brea"}, {"Dr Okafor"}),
        ({"condition": "CANCER breast"}, {"Dr Okafor"}),
        ({"condition": "reast"}, set()),  # the start of a word, not any part of it
        ({"condition": "leukamie"}, {"Dr García"}),  # accents folded
        ({"condition": "LEUKÄ"}, {"Dr García"}),
        ({"specialty": "onco"}, {"Dr Okafor", "Dr García"}),
        ({"specialty": "radiation"}, {"Dr García"}),
        ({"language": "Spanish"}, {"Dr García"}),
        ({"language": "spanish "}, {"Dr García"}),
        ({"language": "es"}, {"Dr García"}),  # codes keep working
        ({"language": "Yoruba"}, {"Dr Okafor"}),
        ({"region": "New York"}, {"Dr García"}),
        ({"region": "new york, united states"}, {"Dr García"}),
        ({"region": "US-NY"}, {"Dr García"}),
        ({"region": "United Kingdom"}, {"Dr Okafor"}),
        ({"region": "India"}, {"Dr Okafor"}),
        ({"region": "California"}, set()),
        ({"condition": "breast", "region": "New York"}, set()),
    ],
)
def test_words_prefixes_and_names_find_specialists_on_the_page_and_in_the_api(
    client, directory_doctors, query, expected
):
    page = client.get("/specialists", query_string=query)
    assert page.status_code == 200
    assert set(names(page.text)) == expected
    assert set(api_names(client, **query)) == expected


def test_results_name_languages_and_places_not_codes(client, directory_doctors):
    page = client.get("/specialists", query_string={"condition": "breast"}).text
    card = page[page.index("Dr Okafor") :]
    assert "<dd>English, Yoruba</dd>" in card
    assert "<strong>India</strong>" in card
    assert "<strong>United Kingdom</strong>" in card
    assert "en, yo" not in card
    assert not re.search(r"<strong>(IN|GB)</strong>", card)
    detail = client.get(f"/specialists/{directory_doctors['garcia'].id}").text
    assert "<dd>Spanish</dd>" in detail
    assert "<strong>New York (United States)</strong>" in detail
    searched = client.get("/specialists", query_string={"region": "new york"}).text
    assert "Only specialists licensed in <strong>New York (United States)</strong>" in searched


def test_the_searched_place_goes_with_the_patient_to_the_page_and_the_booking_form(
    client, submit, make_account, directory_doctors
):
    patient = make_account(timezone="America/New_York")
    submit("/login", {"email": patient.email, "password": PASSWORD})
    results = client.get("/specialists", query_string={"condition": "leuk", "region": "New York"})
    link = re.search(r'<h3 class="card-title"><a href="([^"]+)">Dr García', results.text)
    href = link.group(1).replace("&amp;", "&")
    assert "region=US-NY" in href

    detail = client.get(href)
    assert detail.status_code == 200
    assert "You will be in <strong>New York (United States)</strong>" in detail.text
    slots = re.findall(r'<a class="slot" href="([^"]+)"', detail.text)
    assert slots
    assert all(s.endswith("&amp;region=US-NY") for s in slots)

    intake = client.get(slots[0].replace("&amp;", "&"))
    assert intake.status_code == 200
    field = re.search(r'<input[^>]*name="patient_region"[^>]*>', intake.text).group(0)
    assert 'value="US-NY"' in field


def test_a_patient_in_new_york_is_not_offered_a_gb_specialists_times_and_is_told_why(
    client, directory_doctors
):
    okafor = directory_doctors["okafor"].id
    page = client.get(f"/specialists/{okafor}", query_string={"region": "New York", "tz": "UTC"})
    assert page.status_code == 200
    assert 'class="slot"' not in page.text
    assert "/book/" not in page.text
    assert "Dr Okafor cannot consult you in New York (United States)." in page.text
    assert "licensed in United Kingdom, India" in page.text
    assert "/specialists?region=US-NY" in page.text  # find someone licensed there
    assert 'name="region" type="text" value="New York"' in page.text  # change it here

    moved = client.get(f"/specialists/{okafor}", query_string={"region": "GB", "tz": "UTC"})
    assert "cannot consult you" not in moved.text
    assert re.findall(r'<a class="slot" href="/book/\d+\?start=[^"]+&amp;region=GB"', moved.text)

    unknown = client.get(f"/specialists/{okafor}")
    assert re.findall(r'<a class="slot" href="/book/\d+\?start=[^"&]+"', unknown.text)
    assert "Check where I will be" in unknown.text


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"region": "Narnia"}, "region", "We do not know the place “Narnia”."),
        ({"region": "Punjab"}, "region", "Punjab (India) or Punjab (Pakistan)"),
        ({"language": "Elvish tongue"}, "language", "We do not know the language"),
        ({"condition": "!!!"}, "condition", "Type a word, such as Breast cancer."),
        ({"specialty": "x" * 121}, "specialty", "120 characters."),
    ],
)
def test_bad_input_is_a_4xx_with_a_message(client, directory_doctors, query, field, message):
    page = client.get("/specialists", query_string=query)
    assert page.status_code == 422
    assert message in page.text.replace("&#34;", '"')
    api = client.get("/api/v1/specialists", query_string=query)
    assert api.status_code == 422
    assert api.content_type == "application/problem+json"
    assert message in api.get_json()["errors"][field][0]


def test_a_bad_place_on_the_specialists_page_is_a_field_error(client, directory_doctors):
    page = client.get(
        f"/specialists/{directory_doctors['okafor'].id}", query_string={"region": "Narnia"}
    )
    assert page.status_code == 422
    assert "We do not know the place “Narnia”." in page.text
    assert 'aria-invalid="true"' in page.text


def suggestions(client, **query):
    return client.get("/api/v1/directory/suggestions", query_string=query)


def test_suggestions_while_typing(client, directory_doctors):
    condition = suggestions(client, field="condition", q="bre").get_json()
    assert condition == {"field": "condition", "items": [{"label": "Breast cancer", "code": None}]}
    # Only listed specialists' tags: the pending doctor's "Brain tumour" is not offered.
    assert suggestions(client, field="condition", q="br").get_json()["items"] == [
        {"label": "Breast cancer", "code": None}
    ]
    assert suggestions(client, field="condition", q="leuka").get_json()["items"][0]["label"] == (
        "Leukämie"
    )
    language = suggestions(client, field="language", q="spa").get_json()["items"]
    assert language[0] == {"label": "Spanish", "code": "es"}
    region = suggestions(client, field="region", q="new york").get_json()["items"]
    assert region[0] == {"label": "New York (United States)", "code": "US-NY"}
    germany = suggestions(client, field="region", q="Germ", limit="3").get_json()["items"]
    assert germany[0] == {"label": "Germany", "code": "DE"}
    assert len(germany) <= 3


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"field": "diagnosis", "q": "bre"}, "field"),
        ({"field": "condition"}, "q"),
        ({"field": "condition", "q": "   "}, "q"),
        ({"field": "condition", "q": "b" * 81}, "q"),
        ({"field": "condition", "q": "b", "limit": "0"}, "limit"),
        ({"field": "condition", "q": "b", "limit": "lots"}, "limit"),
    ],
)
def test_bad_suggestion_requests_are_422_with_a_message(client, directory_doctors, query, field):
    response = suggestions(client, **query)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert response.get_json()["errors"][field][0]


def test_only_times_before_the_licence_lapses_are_offered(client, make_specialist):
    from datetime import date

    from telesecond.clock import utcnow
    from telesecond.extensions import db
    from telesecond.services.admin import seeding

    doctor = make_specialist(
        full_name="Dr Lapse",
        timezone="America/New_York",
        profile={"licensed_regions": ["US-NY"]},
        weekly=[(0, 540, 1020), (1, 540, 1020)],
        verified=False,
    )
    admin = seeding.ensure_admin("lapse-admin@example.org", password=PASSWORD, now=utcnow())
    # The licence covers New York through Monday 9 March (UTC), not Tuesday the 10th.
    seeding.verify_claims([doctor.id], verifier=admin, now=utcnow(), expires_on=date(2026, 3, 9))
    db.session.commit()

    def days(week: str) -> set[str]:
        page = client.get(
            f"/specialists/{doctor.id}", query_string={"region": "US-NY", "tz": "UTC", "week": week}
        )
        assert page.status_code == 200
        return set(
            re.findall(r'<a class="slot" href="/book/\d+\?start=(\d{4}-\d\d-\d\d)', page.text)
        )

    assert days("2026-03-02") == {"2026-03-02", "2026-03-03"}
    assert days("2026-03-09") == {"2026-03-09"}  # Monday yes, Tuesday the 10th no
    assert days("2026-03-16") == set()
