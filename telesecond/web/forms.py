"""Forms for signing up, signing in and the profile."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectMultipleField,
    StringField,
    TelField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget


class RegisterForm(FlaskForm):
    full_name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    role = RadioField(
        "I am",
        choices=[
            SelectChoice("patient", "A patient looking for a second opinion"),
            SelectChoice("specialist", "A specialist offering second opinions"),
        ],
        default="patient",
        validators=[DataRequired()],
    )
    timezone = StringField("Time zone", validators=[DataRequired(), Length(max=64)])
    phone = TelField("Mobile phone (optional)", validators=[Optional(), Length(max=32)])
    sms_consent = BooleanField("Text me appointment reminders by SMS at this number")


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProfileForm(FlaskForm):
    full_name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    timezone = StringField("Time zone", validators=[DataRequired(), Length(max=64)])
    phone = TelField("Mobile phone", validators=[Optional(), Length(max=32)])
    notify_by = MultiCheckboxField(
        "Send my reminders by", choices=[SelectChoice("email", "Email"), SelectChoice("sms", "SMS")]
    )
    sms_consent = BooleanField("I agree to receive appointment reminders by SMS")
