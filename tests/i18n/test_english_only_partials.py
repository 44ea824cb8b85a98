"""A translated page marks the sections of other features that are still English-only."""

from __future__ import annotations

from jinja2 import DictLoader

from telesecond.services import languages
from telesecond.web.templating import english_only


def test_a_partial_not_yet_wrapped_is_english_only_on_a_page_in_another_language(app):
    app.jinja_env.loader = DictLoader(
        {
            "old/_panel.html": "<h2>Payment</h2>",
            "new/_panel.html": "{% set page_translated = true %}<h2>{{ _('Payment') }}</h2>",
        }
    )
    with app.test_request_context("/"):
        with languages.in_language("es"):
            assert english_only("old/_panel.html")
            assert not english_only("new/_panel.html")
            assert not english_only("missing/_panel.html")  # nothing shown, nothing marked
        with languages.in_language("en-US"):
            assert not english_only("old/_panel.html")  # an English page needs no mark
