"""The opinion's forms: the specialist's draft, signing, addenda; the patient's follow-ups.

The per-question answers are not WTForms fields: their number depends on the
consultation, so the view reads them with ``request.form.getlist("answers")`` and the
service checks them. A draft may be incomplete (the service refuses only what no draft
can hold); signing checks it in full.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from telesecond.services.opinions.follow_ups import MAX_QUESTION
from telesecond.services.opinions.second_opinion import MAX_RECOMMENDATIONS, MAX_SUMMARY
from telesecond.services.opinions.signing import MAX_ADDENDUM
from telesecond.web.form_text import Required
from telesecond.web.specialist_forms import no_nul


class OpinionForm(FlaskForm):
    diagnosis_assessment = RadioField(
        _l("Your assessment of the current diagnosis"),
        choices=[
            SelectChoice("agrees", _l("I agree with the current diagnosis")),
            SelectChoice("refines", _l("I refine it: broadly right, with changes or additions")),
            SelectChoice("differs", _l("I differ: I reach a different diagnosis")),
        ],
        validators=[Optional()],
        validate_choice=False,  # the service names a value no draft may hold
    )
    summary = TextAreaField(
        _l("Summary of your opinion"),
        validators=[Optional(), Length(max=MAX_SUMMARY), no_nul],
    )
    recommendations = TextAreaField(
        _l("Recommendations"),
        validators=[Optional(), Length(max=MAX_RECOMMENDATIONS), no_nul],
    )

    def fill(self, draft) -> None:
        """Show the saved draft."""
        self.diagnosis_assessment.data = draft.diagnosis_assessment or None
        self.summary.data = draft.summary
        self.recommendations.data = draft.recommendations


class SignForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[Required(_l("Enter your password to sign.")), Length(max=1000)],
    )
    otp = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        validators=[Optional(), Length(max=100)],
    )


class AddendumForm(SignForm):
    text = TextAreaField(
        _l("Addendum"),
        validators=[
            Required(_l("Write the addendum.")),
            Length(max=MAX_ADDENDUM),
            no_nul,
        ],
    )


class FollowUpForm(FlaskForm):
    question = TextAreaField(
        _l("Your question"),
        validators=[
            Required(_l("Write your question.")),
            Length(max=MAX_QUESTION),
            no_nul,
        ],
    )
