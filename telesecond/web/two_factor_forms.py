"""Forms of two-factor sign-in: codes, and the password asked again before a change."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import Length

from telesecond.web.form_text import Required

_CODE = [Required(), Length(max=64)]
_PASSWORD = [Required(), Length(max=1024)]


class TotpConfirmForm(FlaskForm):
    code = StringField(_l("6-digit code from the app"), validators=_CODE)


class PasswordForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=_PASSWORD)


class DisableTotpForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=_PASSWORD)
    code = StringField(_l("Code from the app, or a recovery code"), validators=_CODE)


class SecondFactorForm(FlaskForm):
    code = StringField(_l("Code from your authenticator app, or a recovery code"), validators=_CODE)
