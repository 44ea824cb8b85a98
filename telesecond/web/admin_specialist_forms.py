"""Forms of the admin's specialist review: licences to verify, and reasons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, StringField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import DateInput

from telesecond.domain.licensure import MAX_ISSUER, MAX_NOTE, MAX_NUMBER, LicenceInput
from telesecond.web.form_text import Required
from telesecond.web.specialist_forms import no_nul

ROWS = 3
MAX_ROWS = 20
MAX_REASON = 2000


def _at_most(limit: int) -> Length:
    """``Length(max=limit)`` whose message is in the page's language."""
    return Length(max=limit, message=_l("Use at most %(max)d characters."))


class LicenceRow(Form):
    """One licence; a row left wholly empty is ignored."""

    region = StringField(_l("Region"), validators=[Optional(), _at_most(10), no_nul])
    number = StringField(
        _l("Licence number"), validators=[Optional(), _at_most(MAX_NUMBER), no_nul]
    )
    issuer = StringField(_l("Issued by"), validators=[Optional(), _at_most(MAX_ISSUER), no_nul])
    # Read by the domain's licence check, whose reason (a bad or past date) is worded in
    # the page's language; the browser still offers its date picker.
    expires_on = StringField(
        _l("Valid until (inclusive)"), widget=DateInput(), validators=[Optional(), no_nul]
    )

    def filled(self) -> bool:
        """Whether anything was entered in this row."""
        return any([self.region.data, self.number.data, self.issuer.data, self.expires_on.data])

    def entry(self) -> LicenceInput:
        """The row as the service takes it."""
        return LicenceInput(
            region=self.region.data or "",
            number=self.number.data or "",
            issuer=self.issuer.data or "",
            expires_on=self.expires_on.data or "",
        )


class VerifyForm(FlaskForm):
    licences = FieldList(FormField(LicenceRow), min_entries=ROWS, max_entries=MAX_ROWS)
    note = TextAreaField(
        _l("Evidence checked (note)"), validators=[Optional(), _at_most(MAX_NOTE), no_nul]
    )

    def entries(self) -> list[LicenceInput]:
        """The filled-in rows."""
        return [row.form.entry() for row in self.licences if row.form.filled()]


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[Required(_l("Give the reason.")), _at_most(MAX_REASON), no_nul],
    )
