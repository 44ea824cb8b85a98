"""Absolute links to the app, for emails, SMS, calendar invites, feeds and guest invites.

Every link is built from ``PUBLIC_BASE_URL`` (config.py requires it in production and
fills a fixed local address in development and testing). Links never follow the request's
``Host`` or ``X-Forwarded-Host``: a client chooses those, and an emailed link must not
point at an attacker's host.
"""

from __future__ import annotations

from ipaddress import ip_address
from urllib.parse import urlsplit

from flask import current_app

# Only an app built without config.finalize (or a test that empties the setting) lands here.
FALLBACK_BASE = "http://localhost:5000"


def base_url() -> str:
    """The base of every absolute link: ``PUBLIC_BASE_URL`` without a trailing slash."""
    configured = (current_app.config.get("PUBLIC_BASE_URL") or "").strip()
    return configured.rstrip("/") or FALLBACK_BASE


def absolute(path: str) -> str:
    """``path`` (starting with /) under the public base URL."""
    return base_url() + path


def host() -> str:
    """The public host name, used in calendar UIDs."""
    return urlsplit(base_url()).hostname or "localhost"


def reachable_from_outside() -> bool:
    """Whether the base URL names a host others could call back (not this machine)."""
    name = host()
    if name == "localhost" or name.endswith(".localhost"):
        return False
    try:
        return not ip_address(name).is_loopback
    except ValueError:
        return True


def consultation_url(consultation_id: int) -> str:
    """The consultation's page."""
    return absolute(f"/consultations/{consultation_id}")


def join_url(consultation_id: int) -> str:
    """The app's own join page; it checks who is asking and when, then redirects."""
    return absolute(f"/consultations/{consultation_id}/join")
