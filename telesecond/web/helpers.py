"""Small helpers shared by the HTML views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app
from flask_login import current_user
from flask_wtf import FlaskForm

from telesecond.models import Account
from telesecond.services.errors import ServiceError


def current_account() -> Account:
    """The signed-in account itself: services get the model, never flask-login's proxy."""
    return current_user._get_current_object()


def apply_errors(form: FlaskForm, error: ServiceError) -> None:
    """Show a service's field errors beside the form's fields."""
    for name, messages in error.errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*list(field.errors), *messages]
        else:
            form.form_errors.extend(messages)
    if not error.errors:
        form.form_errors.append(error.detail)


def safe_next(target: str | None, default: str) -> str:
    """Follow ``next`` only to a path on this site."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def specialists_only():
    """A ``before_request`` guard: visitors log in first, and only specialists get in."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if current_user.role != "specialist":
        abort(403)
    return None
