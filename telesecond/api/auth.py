"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

from flask import g, request

from telesecond.clock import utcnow
from telesecond.http.problems import ApiProblem
from telesecond.services.accounts import tokens

if TYPE_CHECKING:
    from telesecond.models import Account


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def current_account_or_none() -> Account | None:
    """The caller's account when a live bearer token is sent."""
    if "api_account" not in g:
        raw = _bearer()
        found = tokens.resolve(raw, now=utcnow()) if raw else None
        g.api_account, g.api_token = found if found else (None, None)
    return g.api_account


def require_auth(*roles: str) -> Callable:
    """Refuse with 401 without a live token, and 403 when the role does not fit."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            account = current_account_or_none()
            if account is None:
                problem = ApiProblem(401, "Send a valid bearer token.")
                raise problem
            if roles and account.role not in roles:
                raise ApiProblem(403, f"Only a {' or '.join(roles)} may do this.")
            return view(*args, **kwargs)

        return wrapped

    return decorator
