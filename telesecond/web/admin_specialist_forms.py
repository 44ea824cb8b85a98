"""Forms of the admin's specialist review: licences to verify, and reasons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FieldList, Form, FormField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from telesecond.domain.licensure import MAX_ISSUER, MAX_NOTE, MAX_NUMBER, LicenceInput
from telesecond.web.specialist_forms import no_nul

ROWS = 3
MAX_ROWS = 20
MAX_REASON = 2000


class LicenceRow(Form):
    """One licence; a row left wholly empty is ignored."""

    region = StringField(_l("Region"), validators=[Optional(), Length(max=10), no_nul])
    number = StringField(
        _l("Licence number"), validators=[Optional(), Length(max=MAX_NUMBER), no_nul]
    )
    issuer = StringField(_l("Issued by"), validators=[Optional(), Length(max=MAX_ISSUER), no_nul])
    expires_on = DateField(_l("Valid until (inclusive)"), validators=[Optional()])

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
        _l("Evidence checked (note)"), validators=[Optional(), Length(max=MAX_NOTE), no_nul]
    )

    def entries(self) -> list[LicenceInput]:
        """The filled-in rows."""
        return [row.form.entry() for row in self.licences if row.form.filled()]


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(), Length(max=MAX_REASON), no_nul]
    )
