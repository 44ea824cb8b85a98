"""The specialist's opinion form.

The per-question answers are not WTForms fields: their number depends on the
consultation, so the view reads them with ``request.form.getlist("answers")`` and the
service checks there is one for each question.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from telesecond.services.opinions.second_opinion import MAX_RECOMMENDATIONS, MAX_SUMMARY
from telesecond.web.specialist_forms import no_nul


class OpinionForm(FlaskForm):
    diagnosis_assessment = RadioField(
        "Your assessment of the current diagnosis",
        choices=[
            SelectChoice("agrees", "I agree with the current diagnosis"),
            SelectChoice("refines", "I refine it: broadly right, with changes or additions"),
            SelectChoice("differs", "I differ: I reach a different diagnosis"),
        ],
        validators=[InputRequired(message="Choose one.")],
    )
    summary = TextAreaField(
        "Summary of your opinion",
        validators=[InputRequired(message="Write a summary."), Length(max=MAX_SUMMARY), no_nul],
    )
    recommendations = TextAreaField(
        "Recommendations",
        validators=[Optional(), Length(max=MAX_RECOMMENDATIONS), no_nul],
    )

    def fill(self, opinion) -> None:
        """Show the saved opinion."""
        self.diagnosis_assessment.data = opinion.diagnosis_assessment
        self.summary.data = opinion.summary
        self.recommendations.data = opinion.recommendations
