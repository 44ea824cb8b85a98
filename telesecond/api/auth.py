"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

from flask import g, request

from telesecond.api.problems import ApiProblem
from telesecond.services import tokens

if TYPE_CHECKING:
    from telesecond.models import Account, ApiToken


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


Resolver = Callable[[str], "tuple[Account, ApiToken] | None"]


def current_account_or_none(resolve: Resolver = tokens.resolve):
    """The caller's account when a live bearer token is sent."""
    if "api_account" not in g:
        raw = _bearer()
        found = resolve(raw) if raw else None
        g.api_account, g.api_token = found if found else (None, None)
    return g.api_account


def require_auth(*roles: str, resolve: Resolver = tokens.resolve) -> Callable:
    """Refuse with 401 without a live token, and 403 when the role does not fit.

    ``resolve`` turns the raw token into ``(account, token)`` or None; an endpoint may
    pass one that reads the token together with what it needs next (``tokens.resolve``
    with a ``reader``).
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            account = current_account_or_none(resolve)
            if account is None:
                problem = ApiProblem(401, "Send a valid bearer token.")
                raise problem
            if roles and account.role not in roles:
                raise ApiProblem(403, f"Only a {' or '.join(roles)} may do this.")
            return view(*args, **kwargs)

        return wrapped

    return decorator
