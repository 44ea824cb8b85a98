"""The patient's usual place goes with them (issue 19.1): the place on their profile (else
the one they gave when they last booked) is the directory's and the booking form's default
when the search names none, and a specialist not licensed there offers no times, saying why.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import Account, AuditEvent
from tests.credentials import PASSWORD


def names(html: str) -> list[str]:
    return re.findall(r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a>', html)


def sign_in_patient(make_account, submit, **fields) -> Account:
    patient = make_account(timezone="America/New_York", **fields)
    submit("/login", {"email": patient.email, "password": PASSWORD})
    return patient


def save_profile(submit, patient: Account, **changes):
    data = {
        "full_name": patient.full_name,
        "timezone": patient.timezone,
        "phone": "",
        "notify_by": ["email"],
        **changes,
    }
    return submit("/account", data)


def test_a_patient_names_where_they_usually_are_on_their_profile(
    client, submit, make_account, directory_doctors
):
    patient = sign_in_patient(make_account, submit)
    page = client.get("/account")
    assert "Where you usually are (optional)" in page.text

    saved = save_profile(submit, patient, region="new york")
    assert saved.status_code == 302
    db.session.refresh(patient)
    assert patient.region == "US-NY"
    shown = client.get("/account").text
    assert re.search(r'name="region" type="text" value="New York \(United States\)"', shown)
    audit = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "account.updated")
    ).all()
    assert "region" in audit[-1].detail["fields"]

    refused = save_profile(submit, patient, region="Narnia")
    assert refused.status_code == 422
    assert "We do not know the place “Narnia”." in refused.text
    db.session.refresh(patient)
    assert patient.region == "US-NY"

    cleared = save_profile(submit, patient, region="")
    assert cleared.status_code == 302
    db.session.refresh(patient)
    assert patient.region is None


def test_a_specialist_is_not_asked_where_they_usually_are(client, submit, make_account):
    doctor = make_account(role="specialist")
    submit("/login", {"email": doctor.email, "password": PASSWORD})
    assert 'name="region"' not in client.get("/account").text


def test_the_search_assumes_the_place_on_the_profile_until_the_field_is_emptied(
    client, submit, make_account, directory_doctors
):
    sign_in_patient(make_account, submit, region="US-NY")
    page = client.get("/specialists")
    assert page.status_code == 200
    assert names(page.text) == ["Dr García"]
    assert "Only specialists licensed in <strong>New York (United States)</strong>." in page.text
    assert "That is the place on your profile." in page.text
    assert re.search(r'name="region" type="text" value="New York \(United States\)"', page.text)

    everyone = client.get("/specialists", query_string={"region": ""})
    assert set(names(everyone.text)) == {"Dr García", "Dr Okafor"}
    searched = client.get("/specialists", query_string={"region": "GB"})
    assert names(searched.text) == ["Dr Okafor"]
    assert "place on your profile" not in searched.text


def test_a_patient_in_new_york_from_their_profile_is_not_offered_a_gb_specialists_times(
    client, submit, make_account, directory_doctors
):
    sign_in_patient(make_account, submit, region="US-NY")
    okafor = directory_doctors["okafor"].id
    page = client.get(f"/specialists/{okafor}", query_string={"tz": "UTC"})
    assert page.status_code == 200
    assert 'class="slot"' not in page.text
    assert "/book/" not in page.text
    assert "Dr Okafor cannot consult you in New York (United States)." in page.text
    assert "licensed in United Kingdom, India" in page.text
    assert "This is the place on your profile." in page.text
    assert "No times for New York (United States)" in page.text

    # Saying where they will be this time wins over the profile.
    there = client.get(f"/specialists/{okafor}", query_string={"tz": "UTC", "region": "GB"})
    assert "cannot consult you" not in there.text
    assert re.findall(r'<a class="slot" href="/book/\d+\?start=[^"]+&amp;region=GB"', there.text)


def test_the_booking_form_starts_with_the_usual_place(
    client, submit, make_account, directory_doctors
):
    sign_in_patient(make_account, submit, region="US-NY")
    garcia = directory_doctors["garcia"].id
    page = client.get(f"/specialists/{garcia}", query_string={"tz": "UTC"})
    assert "You will be in <strong>New York (United States)</strong>" in page.text
    slots = re.findall(r'<a class="slot" href="([^"]+)"', page.text)
    assert slots and all(s.endswith("&amp;region=US-NY") for s in slots)
    # Even a link without the place (a bookmark, another page) starts with it filled in.
    bare = slots[0].replace("&amp;region=US-NY", "")
    intake = client.get(bare)
    assert intake.status_code == 200
    field = re.search(r'<input[^>]*name="patient_region"[^>]*>', intake.text).group(0)
    assert 'value="US-NY"' in field


def test_without_a_profile_place_the_last_booking_is_remembered(
    client, submit, make_account, directory_doctors, book_consultation
):
    patient = sign_in_patient(make_account, submit)
    assert set(names(client.get("/specialists").text)) == {"Dr García", "Dr Okafor"}
    book_consultation(patient, directory_doctors["garcia"], patient_region="US-NY")
    page = client.get("/specialists")
    assert names(page.text) == ["Dr García"]
    assert "That is the place you gave when you last booked." in page.text
    okafor = client.get(f"/specialists/{directory_doctors['okafor'].id}").text
    assert "Dr Okafor cannot consult you in New York (United States)." in okafor
    assert "This is the place you gave when you last booked." in okafor


def test_visitors_and_specialists_are_assumed_nowhere(
    client, submit, make_account, directory_doctors
):
    assert set(names(client.get("/specialists").text)) == {"Dr García", "Dr Okafor"}
    okafor = client.get(f"/specialists/{directory_doctors['okafor'].id}").text
    assert "cannot consult you" not in okafor
    doctor = make_account(role="specialist", region="US-NY")
    submit("/login", {"email": doctor.email, "password": PASSWORD})
    assert set(names(client.get("/specialists").text)) == {"Dr García", "Dr Okafor"}
