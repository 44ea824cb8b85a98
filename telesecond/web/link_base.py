"""Links the app makes while serving a request point at the host the request came to."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request, request_started, request_tearing_down

from telesecond.services import links


def init_link_base(app: Flask) -> None:
    """Hand each request's root to :mod:`~telesecond.services.links` while it is served."""
    # Signals rather than before_request: they run before every other hook, so a hook
    # that answers early (a rate limit, a redirect) cannot leave the base unset.
    request_started.connect(_serve_from_request, app)
    request_tearing_down.connect(_stop_serving, app)


def _serve_from_request(sender: Flask, **extra: Any) -> None:
    g.link_base_token = links.serve_from(request.url_root)


def _stop_serving(sender: Flask, **extra: Any) -> None:
    token = g.pop("link_base_token", None)
    if token is not None:
        links.stop_serving(token)
