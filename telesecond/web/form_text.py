"""What the forms share: "This field is required." in the page's language.

WTForms' own catalogs have no Hindi, and an error must reach the page as text (the form
macros skip anything else), so the message is translated when the field is checked.
"""

from flask_babel import lazy_gettext as _l
from wtforms.validators import DataRequired, InputRequired, StopValidation


class _InPageLanguage:
    """A required-field check whose message (lazy, by default "This field is required.")
    reaches the form as text in the page's language."""

    def __init__(self, message=None) -> None:
        super().__init__(message=message or _l("This field is required."))

    def __call__(self, form, field) -> None:
        try:
            super().__call__(form, field)
        except StopValidation as stop:
            raise StopValidation(str(stop.args[0]) if stop.args else "") from None


class Required(_InPageLanguage, DataRequired):
    """``DataRequired`` (a blank answer counts as none) in the page's language."""


class Present(_InPageLanguage, InputRequired):
    """``InputRequired`` (any input, even ``0``) in the page's language."""
