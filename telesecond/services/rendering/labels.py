"""The documents' fixed labels: the app's translations when it has them, else as written.

The templates mark every label with ``_()`` (newstyle: ``_("Page %(n)s", n=2)``). When
the app installs gettext in Jinja (Flask-Babel does), that ``_`` translates them in the
current locale; until then, :func:`as_written` gives the English text, with the values
escaped exactly as Jinja's own newstyle gettext escapes them.
"""

from __future__ import annotations

from flask import current_app
from markupsafe import escape


def as_written(text: str, **values) -> str:
    """The label untranslated, its ``%(name)s`` values escaped and filled in."""
    return escape(text) % values if values else text


def label_context() -> dict:
    """``_`` for a document template, unless the app already provides one."""
    return {} if "_" in current_app.jinja_env.globals else {"_": as_written}
