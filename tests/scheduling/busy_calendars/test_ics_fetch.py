"""The HTTP fetcher against a real server on loopback: limits, time-outs, 304, errors."""

from __future__ import annotations

import pytest

from telesecond.adapters.ics_fetch import FetchError, HttpIcsFetcher
from tests.scheduling.busy_calendars.ics import calendar, event

BODY = calendar(event("a", "DTSTART:20260310T100000Z", "DTEND:20260310T110000Z"))
SECRET = "/private-0123456789abcdef/basic.ics"


def local(**options) -> HttpIcsFetcher:
    return HttpIcsFetcher(allow_local=True, **{"timeout": 2, "max_bytes": 4096, **options})


def test_a_calendar_is_read_with_its_validators_and_asked_for_conditionally(ics_server):
    url = ics_server.serve(SECRET, BODY, etag='"v1"', last_modified="Mon, 02 Mar 2026 08:00:00 GMT")
    first = local().fetch(url)
    assert first.body == BODY and not first.not_modified
    assert (first.etag, first.last_modified) == ('"v1"', "Mon, 02 Mar 2026 08:00:00 GMT")

    again = local().fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.body is None
    sent = ics_server.hits(SECRET)[-1]
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Mon, 02 Mar 2026 08:00:00 GMT"
    assert "If-None-Match" not in ics_server.hits(SECRET)[0]


@pytest.mark.parametrize("send_length", [True, False], ids=["declared", "streamed"])
def test_a_calendar_over_the_size_limit_is_refused(ics_server, send_length):
    url = ics_server.serve(SECRET, b"X" * 20_000, send_length=send_length)
    with pytest.raises(FetchError, match="larger than 4 KB"):
        local().fetch(url)


def test_a_calendar_exactly_at_the_limit_is_read(ics_server):
    url = ics_server.serve(SECRET, b"X" * 4096, send_length=False)
    assert len(local().fetch(url).body) == 4096


def test_an_unreachable_server_is_reported_without_the_address(unreachable_url):
    with pytest.raises(FetchError) as raised:
        local().fetch(unreachable_url)
    assert str(raised.value) == "The calendar's server could not be reached."
    assert "127.0.0.1" not in str(raised.value)


def test_a_slow_server_hits_the_time_out(ics_server):
    url = ics_server.serve(SECRET, BODY, delay=1.5)
    with pytest.raises(FetchError, match="took too long"):
        local(timeout=0.3).fetch(url)


@pytest.mark.parametrize(
    ("status", "words"),
    [(404, "does not know this address"), (403, "refused access"), (503, "had a problem")],
)
def test_http_errors_are_explained_in_plain_words(ics_server, status, words):
    url = ics_server.serve(SECRET, b"nope", status=status)
    with pytest.raises(FetchError, match=words) as raised:
        local().fetch(url)
    assert SECRET not in str(raised.value)


def test_redirects_are_followed_a_few_times_only(ics_server):
    ics_server.serve("/moved", status=301, headers={"Location": SECRET})
    ics_server.serve(SECRET, BODY)
    assert local().fetch(ics_server.url("/moved")).body == BODY

    for n in range(5):
        ics_server.serve(f"/loop{n}", status=302, headers={"Location": f"/loop{n + 1}"})
    with pytest.raises(FetchError, match="redirects too many times"):
        local().fetch(ics_server.url("/loop0"))


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://calendar.example.org/a.ics", "Only https"),
        ("https://127.0.0.1/a.ics", "private network"),
        ("https://[::1]/a.ics", "private network"),
        ("https://10.1.2.3/a.ics", "private network"),
        ("https://169.254.169.254/latest", "private network"),
        ("https://localhost/a.ics", "private network"),
        ("https://[64:ff9b::7f00:1]/", "private network"),
        ("https://[64:ff9b:1::a00:1]/", "private network"),
        ("https://[2002:7f00:1::]/", "private network"),
        ("https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "private network"),
        ("https://[::ffff:127.0.0.1]/", "private network"),
        ("https://[::127.0.0.1]/", "private network"),
    ],
)
def test_outside_tests_only_public_https_destinations_are_fetched(url, words):
    with pytest.raises(FetchError, match=words):
        HttpIcsFetcher().check_destination(url)


def test_a_redirect_into_a_private_network_is_refused(ics_server):
    """Even when the first hop is allowed, every hop is checked again."""
    ics_server.serve("/hop", status=302, headers={"Location": "https://10.0.0.1/x.ics"})
    fetcher = local()
    checked: list[str] = []
    strict = HttpIcsFetcher()

    def check(url: str) -> str:
        checked.append(url)
        if len(checked) > 1:  # the loopback test server itself is the one allowed hop
            return strict.destination(url)
        return "127.0.0.1"

    fetcher.destination = check
    with pytest.raises(FetchError, match="private network"):
        fetcher.fetch(ics_server.url("/hop"))
    assert checked == [ics_server.url("/hop"), "https://10.0.0.1/x.ics"]
