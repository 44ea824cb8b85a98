"""Errors services raise; the web and API layers map them to responses."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of the errors a use case reports to its caller."""

    status = 400
    title = "Bad request"

    def __init__(
        self, detail: str, errors: dict[str, list[str]] | None = None, extra: dict | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or {}
        self.extra = extra or {}


class Invalid(ServiceError):
    """The request is well formed but a value is not acceptable."""

    status = 422
    title = "Invalid value"

    @classmethod
    def field(cls, name: str, message: str) -> Invalid:
        """One field is wrong."""
        return cls(message, {name: [message]})


class Conflict(ServiceError):
    """The request clashes with the current state (slot taken, email taken)."""

    status = 409
    title = "Conflict"


class NotFound(ServiceError):
    """The record does not exist, or is not the caller's to see."""

    status = 404
    title = "Not found"


class Forbidden(ServiceError):
    """The caller may see the record but not do this to it."""

    status = 403
    title = "Forbidden"


class Unauthenticated(ServiceError):
    """Credentials are missing or wrong."""

    status = 401
    title = "Not authenticated"


class RateLimited(ServiceError):
    """The caller did this too often; it may try again later."""

    status = 429
    title = "Too many requests"
