"""Forms of two-factor sign-in: codes, and the password asked again before a change."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

_CODE = [DataRequired(), Length(max=64)]
_PASSWORD = [DataRequired(), Length(max=1024)]


class TotpConfirmForm(FlaskForm):
    code = StringField("6-digit code from the app", validators=_CODE)


class PasswordForm(FlaskForm):
    password = PasswordField("Your password", validators=_PASSWORD)


class DisableTotpForm(FlaskForm):
    password = PasswordField("Your password", validators=_PASSWORD)
    code = StringField("Code from the app, or a recovery code", validators=_CODE)


class SecondFactorForm(FlaskForm):
    code = StringField("Code from your authenticator app, or a recovery code", validators=_CODE)
