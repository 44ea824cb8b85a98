"""Forms of the account's lifecycle: forgotten, reset and changed passwords."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(
        "New password again",
        validators=[
            DataRequired(),
            Length(max=1024),
            EqualTo("password", message="The two passwords are not the same."),
        ],
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=1024)]
    )
    new_password = PasswordField("New password", validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(
        "New password again",
        validators=[
            DataRequired(),
            Length(max=1024),
            EqualTo("new_password", message="The two passwords are not the same."),
        ],
    )


class ConfirmForm(FlaskForm):
    """A button with its CSRF token only (confirm an address, resend a link)."""
