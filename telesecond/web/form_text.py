"""Messages the forms share, in the page's language (WTForms ships no Hindi)."""

from flask_babel import lazy_gettext as _l

REQUIRED = _l("This field is required.")
