"""The accessibility checks, under the name the account tests first used."""

from tests.support.accessibility import (  # noqa: F401
    PHONE,
    assert_accessible,
    assert_no_sideways_scroll,
    axe_violations,
    check_page,
    scrolls_sideways,
    sideways_overflow,
)
