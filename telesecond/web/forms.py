"""Forms for signing up, signing in and the profile."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
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
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from telesecond.web.form_text import Required


class RegisterForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[Required(), Length(max=200)])
    email = EmailField(_l("Email address"), validators=[Required(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[Required(), Length(max=1024)])
    role = RadioField(
        _l("I am"),
        choices=[
            SelectChoice("patient", _l("A patient looking for a second opinion")),
            SelectChoice("specialist", _l("A specialist offering second opinions")),
        ],
        default="patient",
        validators=[Required()],
    )
    timezone = StringField(_l("Time zone"), validators=[Required(), Length(max=64)])
    phone = TelField(_l("Mobile phone (optional)"), validators=[Optional(), Length(max=32)])
    sms_consent = BooleanField(_l("Text me appointment reminders by SMS at this number"))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[Required(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[Required(), Length(max=1024)])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProfileForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[Required(), Length(max=200)])
    timezone = StringField(_l("Time zone"), validators=[Required(), Length(max=64)])
    phone = TelField(_l("Mobile phone"), validators=[Optional(), Length(max=32)])
    notify_by = MultiCheckboxField(
        _l("Send my reminders by"),
        choices=[SelectChoice("email", _l("Email")), SelectChoice("sms", _l("SMS"))],
    )
    sms_consent = BooleanField(_l("I agree to receive appointment reminders by SMS"))
    # Patients only: where they usually are (services/accounts/home_region).
    region = StringField(_l("Where you usually are (optional)"), validators=[Length(max=80)])
