"""What the passkey endpoints of the pages share: same-origin JSON in, JSON out.

They sit under the HTML blueprints (the session cookie and its CSRF token, sent by
``static/js/passkeys.js`` in ``X-CSRFToken``), answer JSON, and say what went wrong as
problem+json. The challenge waits in the signed session cookie until it is used, once.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, session
from webauthn import base64url_to_bytes
from webauthn.helpers import bytes_to_base64url

from telesecond.http.problems import problem
from telesecond.services.errors import ServiceError

CHALLENGE_KEY = "passkey_challenge"


class BadJson(Exception):
    """The request body is not the JSON object the endpoint reads."""

    def __init__(self, response: Response) -> None:
        super().__init__("bad request")
        self.response = response


def body() -> dict[str, Any]:
    """The request's JSON object, from this site only; raise BadJson otherwise."""
    origin = request.headers.get("Origin")
    if origin is not None and origin.rstrip("/") != request.host_url.rstrip("/"):
        raise BadJson(problem(403, "Forbidden", "Passkeys work only from this site's pages."))
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadJson(problem(400, "Bad request", "Send a JSON object."))
    return data


def options(options_json: str, challenge: bytes, *, purpose: str) -> Response:
    """Answer with WebAuthn options, keeping their challenge for ``purpose``."""
    session[CHALLENGE_KEY] = {"for": purpose, "value": bytes_to_base64url(challenge)}
    return Response(options_json, mimetype="application/json")


def take_challenge(purpose: str) -> bytes | None:
    """The challenge kept for ``purpose``, removed so it serves once."""
    kept = session.pop(CHALLENGE_KEY, None)
    if not isinstance(kept, dict) or kept.get("for") != purpose:
        return None
    try:
        return base64url_to_bytes(str(kept.get("value", "")))
    except ValueError:
        return None


def error(exc: ServiceError) -> Response:
    """A service's refusal as problem+json."""
    return problem(exc.status, exc.title, exc.detail, exc.errors or None, extra=exc.extra)


def answer(payload: dict[str, Any], status: int = 200) -> tuple[Response, int]:
    """A JSON answer."""
    return jsonify(payload), status
