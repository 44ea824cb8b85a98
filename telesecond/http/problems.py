"""RFC 9457 problem+json responses for everything under /api/v1."""

from __future__ import annotations

from flask import Response, json
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "about:blank"


class ApiProblem(HTTPException):
    """An HTTP error raised inside the API, with an optional field-error map."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        errors: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(description=detail)
        self.code = status
        self.title = title
        self.errors = errors


def problem(
    status: int,
    title: str,
    detail: str,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict | None = None,
) -> Response:
    """A problem+json response (``extra`` adds members such as alternative slots)."""
    body: dict = {"type": PROBLEM_TYPE, "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    body.update(extra or {})
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def from_http_exception(exc: HTTPException) -> Response:
    """Turn any werkzeug HTTP error into problem+json, keeping useful headers."""
    status = exc.code or 500
    title = getattr(exc, "title", None) or exc.name
    detail = exc.description or title
    if status >= 500:
        detail = "Something went wrong on our side. Please try again."
    headers = {}
    original = exc.get_response()
    for name in ("Allow", "Retry-After", "WWW-Authenticate"):
        if name in original.headers:
            headers[name] = original.headers[name]
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="telesecond"')
    return problem(status, title, detail, getattr(exc, "errors", None), headers)
