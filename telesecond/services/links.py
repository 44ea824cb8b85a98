"""Absolute links to the app, for emails, SMS, calendar invites and feeds.

``PUBLIC_BASE_URL`` wins when set; inside a request the request's own root serves
(behind ProxyFix); the reminder process without either falls back to localhost.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request

FALLBACK_BASE = "http://localhost:5000"


def base_url() -> str:
    configured = (current_app.config.get("PUBLIC_BASE_URL") or "").strip()
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    return FALLBACK_BASE


def absolute(path: str) -> str:
    """``path`` (starting with /) under the public base URL."""
    return base_url() + path


def host() -> str:
    """The public host name, used in calendar UIDs."""
    return urlsplit(base_url()).hostname or "localhost"


def consultation_url(consultation_id: int) -> str:
    return absolute(f"/consultations/{consultation_id}")


def join_url(consultation_id: int) -> str:
    """The app's own join page; it checks who is asking and when, then redirects."""
    return absolute(f"/consultations/{consultation_id}/join")
