"""Language tags, the browser's preference among the shipped languages, and time patterns."""

from __future__ import annotations

import pytest

from telesecond.domain.languages import (
    Tag,
    babel_name,
    cldr_pattern,
    negotiate,
    parse_tag,
    shipped_tag,
    time_patterns,
    uses_12_hour_clock,
)

SHIPPED = ("en", "es", "hi")


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("es", Tag("es")),
        ("en-us", Tag("en", None, "US")),
        ("en_US", Tag("en", None, "US")),
        ("es-419", Tag("es", None, "419")),
        ("sr-latn-rs", Tag("sr", "Latn", "RS")),
        (" hi ", Tag("hi")),
        ("", None),
        ("english", None),
        ("en-", None),
        ("e", None),
        ("x" * 40, None),
    ],
)
def test_parse_tag(text, tag) -> None:
    assert parse_tag(text) == tag


def test_a_shipped_tag_keeps_its_region_and_refuses_other_languages() -> None:
    assert shipped_tag("es-mx", SHIPPED) == "es-MX"
    assert shipped_tag("fr", SHIPPED) is None
    assert shipped_tag("<script>", SHIPPED) is None


@pytest.mark.parametrize(
    ("preferences", "chosen"),
    [
        (["es-MX", "es", "en"], "es-MX"),
        (["fr-FR", "fr", "hi-IN"], "hi-IN"),
        (["fr", "de"], "en"),
        ([], "en"),
        (["*"], "en"),
        (["fr", "*", "es"], "en"),
    ],
)
def test_negotiate_takes_the_first_shipped_preference(preferences, chosen) -> None:
    assert negotiate(preferences, SHIPPED, "en") == chosen


def test_only_us_english_writes_a_12_hour_clock() -> None:
    assert uses_12_hour_clock("en", "US")
    assert not uses_12_hour_clock("en", None)
    assert not uses_12_hour_clock("en", "GB")
    assert not uses_12_hour_clock("es", "US")
    assert not uses_12_hour_clock("hi", "IN")
    assert time_patterns("en", "US").clock == "h:mm a"
    assert time_patterns("es", "MX").clock == "HH:mm"


def test_babel_names() -> None:
    assert babel_name("en-US") == "en_US"
    assert babel_name("es") == "es"


@pytest.mark.parametrize(
    ("strftime", "twelve", "pattern"),
    [
        ("%a %d %b %Y, %H:%M", False, "EEE dd MMM y, HH:mm"),
        ("%a %d %b %Y, %H:%M", True, "EEE dd MMM y, h:mm a"),
        ("%H:%M", True, "h:mm a"),
        ("%A %-d %B at %H:%M", False, "EEEE d MMMM' at 'HH:mm"),
        ("it's %Y", False, "'it''s 'y"),
    ],
)
def test_strftime_formats_become_cldr_patterns(strftime, twelve, pattern) -> None:
    assert cldr_pattern(strftime, twelve) == pattern
