"""Absolute links to the app, for emails, SMS, calendar invites and feeds.

``PUBLIC_BASE_URL`` wins when set; else the base the web layer gives for the request
it is serving (the request's own root, behind ProxyFix); the reminder process without
either falls back to localhost. This module never reads the request itself.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from urllib.parse import urlsplit

from flask import current_app

FALLBACK_BASE = "http://localhost:5000"
# Context-local, so concurrent requests (threads or greenlets) each see their own root.
_served_base: ContextVar[str | None] = ContextVar("telesecond.links.served_base", default=None)


def serve_from(root: str) -> Token[str | None]:
    """Make ``root`` the base of links made in this context, until :func:`stop_serving`."""
    return _served_base.set(root.rstrip("/"))


def stop_serving(token: Token[str | None]) -> None:
    """Go back to the base in force before the :func:`serve_from` that gave ``token``."""
    _served_base.reset(token)


def base_url() -> str:
    """The base of every absolute link: ``PUBLIC_BASE_URL``, the served root, or localhost."""
    configured = (current_app.config.get("PUBLIC_BASE_URL") or "").strip()
    if configured:
        return configured.rstrip("/")
    return _served_base.get() or FALLBACK_BASE


def absolute(path: str) -> str:
    """``path`` (starting with /) under the public base URL."""
    return base_url() + path


def host() -> str:
    """The public host name, used in calendar UIDs."""
    return urlsplit(base_url()).hostname or "localhost"


def consultation_url(consultation_id: int) -> str:
    """The consultation's page."""
    return absolute(f"/consultations/{consultation_id}")


def join_url(consultation_id: int) -> str:
    """The app's own join page; it checks who is asking and when, then redirects."""
    return absolute(f"/consultations/{consultation_id}/join")
