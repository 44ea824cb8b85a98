"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'; object-src 'none'"
)


# Set on every response unless the view set its own (the call page widens the CSP).
DEFAULT_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(self), microphone=(self), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
# Production runs behind HTTPS only: browsers keep to it for a year, subdomains included.
HSTS = "max-age=31536000; includeSubDomains"
API_PREFIX = "/api/v1"


def add_security_headers(response: Response) -> Response:
    """Apply CSP, anti-framing, nosniff, referrer policy, API no-store and production HSTS."""
    headers = response.headers
    # A header the view set itself (a download's Cache-Control, say) is kept.
    present = {name.lower() for name, _ in headers}
    for name, value in DEFAULT_HEADERS:
        if name.lower() not in present:
            headers.add(name, value)
    if response.mimetype == "text/html" and "cache-control" not in present:
        headers.add("Cache-Control", "no-store")
    if _is_api(request.path) and "no-store" not in headers.get("Cache-Control", "").lower():
        # API answers hold personal data: no cache may keep one, errors included.
        headers["Cache-Control"] = "no-store"
    if current_app.config.get("TELESECOND_ENV") == "production":
        headers["Strict-Transport-Security"] = HSTS
    return response


def _is_api(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def init_security(app: Flask) -> None:
    """Register the header hook and session cookie flags."""
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    app.after_request(add_security_headers)
