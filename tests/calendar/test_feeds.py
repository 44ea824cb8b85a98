"""Secret calendar feeds: the address, what the feed holds, and cheap conditional polling."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import event, select

from telesecond.extensions import db
from telesecond.models import AuditEvent, CalendarFeed
from telesecond.services.consultations import booking
from tests.calendar.ical import read, unfolded
from tests.calendar.scenario import LATER, START, assert_no_health_information
from tests.web_forms import csrf_token

FEED = "/api/v1/me/calendar-feed"


def feed_path(url: str) -> str:
    return urlsplit(url).path


def feed_url(client, headers) -> str:
    response = client.get(FEED, headers=headers)
    assert response.status_code == 200, response.text
    return response.get_json()["url"]


def test_the_address_is_issued_once_and_only_its_hash_is_stored(people, client, auth_header):
    headers = auth_header(people.patient)
    first = client.get(FEED, headers=headers).get_json()
    again = client.get(FEED, headers=headers).get_json()

    assert first == again
    url = urlsplit(first["url"])
    assert (url.scheme, url.netloc) == ("http", "localhost")
    assert url.path.startswith("/calendar/") and url.path.endswith(".ics")
    assert first["webcal_url"] == "webcal://" + first["url"].removeprefix("http://")
    token = url.path.removeprefix("/calendar/").removesuffix(".ics")
    assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 128

    (feed,) = db.session.scalars(select(CalendarFeed)).all()
    assert feed.account_id == people.patient.id
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (feed.token_hash, feed.seed)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("calendar_feed.created") == 1


def test_the_feed_lists_the_persons_consultations(people, book_people, client, auth_header, clock):
    mine = book_people()
    other_patient = book_people(START + timedelta(days=1), patient=people.stranger)
    url = feed_url(client, auth_header(people.patient))

    response = client.get(feed_path(url))
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    cache_control = response.headers["Cache-Control"]
    assert "private" in cache_control and "public" not in cache_control
    assert response.headers["ETag"]
    assert response.headers["Last-Modified"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    lines = unfolded(response.data)
    assert "METHOD:PUBLISH" in lines
    assert "X-WR-CALNAME:telesecond consultations" in lines
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    assert "X-PUBLISHED-TTL:PT1H" in lines
    assert not any(line.startswith("ATTENDEE") for line in lines)
    assert "DTSTART;TZID=Europe/Berlin:20260311T150000" in lines

    method, events = read(response.data)
    assert method == "PUBLISH"
    assert [(e.uid, e.start, e.status) for e in events] == [
        (f"consultation-{mine.id}@localhost", START, "CONFIRMED")
    ]
    assert_no_health_information(response.data)
    assert people.patient.email not in response.text

    # The specialist's feed holds both patients' consultations.
    doctor_url = feed_url(client, auth_header(people.doctor))
    assert doctor_url != url
    _, doctor_events = read(client.get(feed_path(doctor_url)).data)
    assert [e.uid for e in doctor_events] == [
        f"consultation-{mine.id}@localhost",
        f"consultation-{other_patient.id}@localhost",
    ]
    assert "DTSTART;TZID=America/New_York:20260311T100000" in unfolded(
        client.get(feed_path(doctor_url)).data
    )


def test_wrong_revoked_and_regenerated_addresses(people, book_people, client, auth_header):
    book_people()
    headers = auth_header(people.patient)
    path = feed_path(feed_url(client, headers))
    assert client.get(path).status_code == 200

    assert client.get("/calendar/not-a-real-token.ics").status_code == 404
    assert client.get(path.replace(".ics", "x.ics")).status_code == 404
    assert client.get("/calendar/" + "A" * 5000 + ".ics").status_code == 404

    regenerated = client.post(FEED, headers=headers)
    assert regenerated.status_code == 201
    new_path = feed_path(regenerated.get_json()["url"])
    assert new_path != path
    assert client.get(path).status_code == 404
    assert client.get(new_path).status_code == 200
    assert feed_path(feed_url(client, headers)) == new_path

    assert client.delete(FEED, headers=headers).status_code == 204
    assert client.get(new_path).status_code == 404
    assert client.delete(FEED, headers=headers).status_code == 204  # nothing left: still fine
    assert client.delete(FEED).status_code == 401
    # Asking again issues a fresh address.
    assert feed_path(feed_url(client, headers)) not in (path, new_path)


def test_a_deactivated_account_has_no_feed(people, book_people, client, auth_header):
    book_people()
    path = feed_path(feed_url(client, auth_header(people.patient)))
    people.patient.active = False
    db.session.commit()
    assert client.get(path).status_code == 404


def test_unchanged_feed_answers_304_and_a_reschedule_gives_a_fresh_200(
    people, book_people, client, auth_header, clock
):
    c = book_people()
    path = feed_path(feed_url(client, auth_header(people.patient)))
    first = client.get(path)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]

    clock.advance(minutes=30)
    unchanged = client.get(path, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.data == b""
    assert unchanged.headers["ETag"] == etag
    assert client.get(path, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get(path).data == first.data  # same state, same bytes

    booking.reschedule(people.doctor, c.id, LATER, now=clock(), cutoff_hours=24)
    clock.advance(minutes=1)
    moved = client.get(path, headers={"If-None-Match": etag})
    assert moved.status_code == 200
    assert moved.headers["ETag"] != etag
    _, (event,) = read(moved.data)
    assert (event.start, event.sequence) == (LATER, 1)
    assert client.get(path, headers={"If-Modified-Since": last_modified}).status_code == 200
    assert client.get(path, headers={"If-None-Match": moved.headers["ETag"]}).status_code == 304


def test_a_change_within_the_same_instant_still_changes_the_etag(
    people, book_people, client, auth_header, clock
):
    c = book_people()
    path = feed_path(feed_url(client, auth_header(people.patient)))
    etag = client.get(path).headers["ETag"]
    # The frozen clock does not move: only the SEQUENCE tells the change apart.
    booking.reschedule(people.doctor, c.id, LATER, now=clock(), cutoff_hours=24)
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 200


def test_cancelled_events_stay_as_cancelled_for_30_days_then_go(
    people, book_people, client, auth_header, clock
):
    kept, cancelled = book_people(), book_people(LATER)
    path = feed_path(feed_url(client, auth_header(people.patient)))
    clock.advance(hours=1)
    booking.cancel(people.patient, cancelled.id, reason="", now=clock(), cutoff_hours=24)
    cancelled_at = clock()

    response = client.get(path)
    _, events = read(response.data)
    by_uid = {e.uid: e for e in events}
    gone = by_uid[f"consultation-{cancelled.id}@localhost"]
    assert (gone.status, gone.sequence) == ("CANCELLED", 1)
    assert by_uid[f"consultation-{kept.id}@localhost"].status == "CONFIRMED"
    etag, last_modified = response.headers["ETag"], response.headers["Last-Modified"]

    clock.now = cancelled_at + timedelta(days=29, hours=23)
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304

    clock.now = cancelled_at + timedelta(days=30, minutes=1)
    after = client.get(path, headers={"If-None-Match": etag})
    assert after.status_code == 200
    _, events = read(after.data)
    assert [e.uid for e in events] == [f"consultation-{kept.id}@localhost"]
    # A client that only sends If-Modified-Since also learns that the event left.
    assert client.get(path, headers={"If-Modified-Since": last_modified}).status_code == 200
    assert client.get(path, headers={"If-None-Match": after.headers["ETag"]}).status_code == 304


def test_feed_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "post", "delete"} <= set(paths["/me/calendar-feed"])
    assert "get" in paths["/consultations/{consultation_id}/invite.ics"]


def test_profile_page_creates_shows_regenerates_and_revokes(people, book_people, signed_in, app):
    book_people()
    browser = signed_in(app, people.patient)
    page = browser.get("/account").text
    assert "Calendar subscription" in page
    assert "Create my subscription address" in page

    assert browser.post("/account/calendar-feed").status_code == 400  # no CSRF token
    created = browser.post(
        "/account/calendar-feed", data={"csrf_token": csrf_token(page)}, follow_redirects=True
    )
    assert created.status_code == 200
    assert "Your calendar subscription address is ready." in created.text
    (feed,) = db.session.scalars(select(CalendarFeed)).all()
    https = _input_value(created.text, "calendar-feed-https")
    webcal = _input_value(created.text, "calendar-feed-webcal")
    assert webcal == "webcal://" + https.removeprefix("http://")
    assert '<label for="calendar-feed-https">' in created.text
    assert app.test_client().get(feed_path(https)).status_code == 200

    renewed = browser.post(
        "/account/calendar-feed",
        data={"csrf_token": csrf_token(created.text)},
        follow_redirects=True,
    )
    assert "The old one no longer works." in renewed.text
    new_https = _input_value(renewed.text, "calendar-feed-https")
    assert new_https != https
    assert app.test_client().get(feed_path(https)).status_code == 404

    stopped = browser.post(
        "/account/calendar-feed/revoke",
        data={"csrf_token": csrf_token(renewed.text)},
        follow_redirects=True,
    )
    assert "The calendar subscription is stopped." in stopped.text
    assert "Create my subscription address" in stopped.text
    assert app.test_client().get(feed_path(new_https)).status_code == 404
    db.session.expire_all()
    feeds = db.session.scalars(select(CalendarFeed).order_by(CalendarFeed.id)).all()
    assert [f.id for f in feeds][0] == feed.id  # revoked rows are kept, for the record
    assert len(feeds) == 2 and all(f.revoked_at is not None for f in feeds)


def _input_value(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*value="([^"]+)"', html)
    assert match, f"no #{element_id} in the page"
    return match.group(1)


def test_the_secret_key_derives_the_address(people, client, auth_header, make_app, clock):
    headers = auth_header(people.patient)
    url = feed_url(client, headers)
    rotated = make_app(CLOCK=clock, SECRET_KEY="another-secret-key-0123456789abcdef")
    other = rotated.test_client()
    # The old address still opens the feed (it is matched by its hash) ...
    assert other.get(feed_path(url)).status_code == 200
    # ... but cannot be derived again, so asking for it issues a new one.
    new_url = other.get(FEED, headers=headers).get_json()["url"]
    assert new_url != url
    assert other.get(feed_path(url)).status_code == 404


def test_an_unchanged_poll_is_answered_without_reading_the_consultations(
    people, book_people, client, auth_header, clock
):
    for day in range(8):
        book_people(START + timedelta(days=day))
    path = feed_path(feed_url(client, auth_header(people.patient)))
    etag = client.get(path).headers["ETag"]

    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    # The feed and its owner, then one aggregate over the consultations: nothing per event.
    assert len(statements) <= 3, statements
    consultation_reads = [s for s in statements if "FROM consultation" in s]
    assert len(consultation_reads) == 1
    assert "count(" in consultation_reads[0].lower()


def test_addresses_use_the_public_base_url(people, book_people, make_app, clock, auth_header):
    c = book_people()
    public = make_app(CLOCK=clock, PUBLIC_BASE_URL="https://clinic.example/")
    client = public.test_client()
    answer = client.get(FEED, headers=auth_header(people.patient)).get_json()
    assert answer["url"].startswith("https://clinic.example/calendar/")
    assert answer["webcal_url"] == "webcal://" + answer["url"].removeprefix("https://")
    _, (event,) = read(client.get(feed_path(answer["url"])).data)
    assert event.uid == f"consultation-{c.id}@clinic.example"


def test_each_feed_titles_its_events_with_the_other_person(
    people, book_people, client, auth_header
):
    book_people()
    book_people(START + timedelta(days=1), patient=people.stranger)

    _, mine = read(client.get(feed_path(feed_url(client, auth_header(people.patient)))).data)
    assert [e.summary for e in mine] == ["Video consultation with Dr Ada Vance"]

    doctor_feed = client.get(feed_path(feed_url(client, auth_header(people.doctor))))
    _, theirs = read(doctor_feed.data)
    # The specialist tells their patients apart; their own name is in no title.
    assert [e.summary for e in theirs] == [
        "Video consultation with Petra Paulsen",
        "Video consultation with Sam Stranger",
    ]
    assert "Ada Vance" not in " ".join(e.summary for e in theirs)
    assert_no_health_information(doctor_feed.data)
    # The 15-minute alarm says the same.
    assert "DESCRIPTION:Video consultation with Petra Paulsen" in unfolded(doctor_feed.data)
