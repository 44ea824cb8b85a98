"""Forms of the account's lifecycle: forgotten, reset and changed passwords."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import EqualTo, Length

from telesecond.web.form_text import Required


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[Required(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[Required(), Length(max=1024)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            Required(),
            Length(max=1024),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[Required(), Length(max=1024)]
    )
    new_password = PasswordField(_l("New password"), validators=[Required(), Length(max=1024)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            Required(),
            Length(max=1024),
            EqualTo("new_password", message=_l("The two passwords are not the same.")),
        ],
    )


class ConfirmForm(FlaskForm):
    """A button with its CSRF token only (confirm an address, resend a link)."""
