"""Error pages for people, problem+json for the API; never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from telesecond.http.problems import from_http_exception, problem
from telesecond.services.errors import ServiceError

log = logging.getLogger(__name__)

FRIENDLY = {
    400: _l("The request could not be understood."),
    401: _l("Please sign in to continue."),
    403: _l("You do not have access to this page."),
    404: _l("We could not find that page."),
    405: _l("That action is not available here."),
    413: _l("The upload is too large."),
    415: _l("That type of file or content is not accepted."),
    429: _l("Too many attempts. Please wait a minute and try again."),
    500: _l("Something went wrong on our side. Please try again."),
}
# The page titles of HTTP errors (Werkzeug's names, in the page's language).
TITLES = {
    400: _l("Bad Request"),
    401: _l("Unauthorized"),
    403: _l("Forbidden"),
    404: _l("Not Found"),
    405: _l("Method Not Allowed"),
    413: _l("Request Entity Too Large"),
    415: _l("Unsupported Media Type"),
    429: _l("Too Many Requests"),
}


def _wants_problem() -> bool:
    return request.path.startswith("/api/")


def _page(code: int, title: object, message: object):
    return (
        render_template("errors/error.html", code=code, title=str(title), message=str(message)),
        code,
    )


def register_error_handlers(app: Flask) -> None:
    """Install the handlers that map every error to a clean response."""

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        if _wants_problem():
            return from_http_exception(exc)
        return _page(
            400,
            _("Form expired"),
            _(
                "This form was missing its security token or it expired. "
                "Go back, reload the page and try again."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if _wants_problem():
            return from_http_exception(exc)
        code = exc.code or 500
        title = TITLES.get(code, exc.name)
        return _page(code, title, FRIENDLY.get(code, exc.description or exc.name))

    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        headers = getattr(exc, "headers", None)  # Retry-After, say
        if _wants_problem():
            return problem(
                exc.status, exc.title, exc.detail, exc.errors or None, headers, extra=exc.extra
            )
        return (*_page(exc.status, exc.title, exc.detail), headers or {})

    @app.errorhandler(InternalServerError)
    def server_error(exc: InternalServerError):
        original = getattr(exc, "original_exception", None)
        # Log the type and place only: messages may echo patient data.
        log.error(
            "unhandled %s on %s %s",
            type(original).__name__,
            request.method,
            request.url_rule.rule if request.url_rule else "?",
        )
        if _wants_problem():
            return problem(500, "Internal error", str(FRIENDLY[500]))
        return _page(500, _("Something went wrong"), FRIENDLY[500])
