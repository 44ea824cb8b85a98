"""Read JSON request bodies and their fields without ever failing with a 5xx."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import g, request

from telesecond.http.problems import ApiProblem
from telesecond.models.base import MAX_ID
from telesecond.services.errors import Invalid

MAX_JSON_BYTES = 256 * 1024
MIN_YEAR, MAX_YEAR = 1970, 2200


def json_object() -> dict[str, Any]:
    """The request body as a JSON object, or a 400/413/415 problem (parsed once)."""
    if "json_object" in g:
        return g.json_object
    if request.content_length and request.content_length > MAX_JSON_BYTES:
        raise ApiProblem(413, "The request body is too large.")
    if not request.is_json:
        raise ApiProblem(415, "Send the body as application/json.")
    raw = request.get_data(cache=True)
    if len(raw) > MAX_JSON_BYTES:
        raise ApiProblem(413, "The request body is too large.")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise ApiProblem(400, "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ApiProblem(400, "The request body must be a JSON object.")
    g.json_object = data
    return data


def text_problem(value: str) -> str | None:
    """Why a string cannot be stored (NUL, lone surrogates), or None."""
    if "\x00" in value:
        return "Contains a NUL character."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "Contains characters that are not valid Unicode text."
    return None


def parse_instant(text: str) -> datetime:
    """An RFC 3339 instant with an explicit offset, as aware UTC; ValueError otherwise."""
    if not isinstance(text, str) or len(text) > 40 or "T" not in text.upper():
        raise ValueError("Use an RFC 3339 date-time such as 2026-03-01T09:00:00Z.")
    try:
        value = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("Use an RFC 3339 date-time such as 2026-03-01T09:00:00Z.") from None
    if value.tzinfo is None:
        raise ValueError("Give the offset, for example Z or +01:00.")
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"Use a year between {MIN_YEAR} and {MAX_YEAR}.")
    return value.astimezone(UTC)


_MISSING = object()


class Fields:
    """Pull typed fields out of a JSON object, collecting every error before raising."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, list[str]] = {}

    def error(self, name: str, message: str) -> None:
        """Record one message against a field."""
        self.errors.setdefault(name, []).append(message)

    def has(self, name: str) -> bool:
        """Whether the body names the field at all (null included)."""
        return name in self.data

    def _get(self, name: str, required: bool) -> Any:
        value = self.data.get(name, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.error(name, "This field is required.")
            return _MISSING
        return value

    def string(
        self,
        name: str,
        *,
        required: bool = True,
        max_len: int = 200,
        default: str | None = None,
        allow_empty: bool = False,
    ) -> str | None:
        """A text field: no NUL, valid Unicode, at most ``max_len`` characters."""
        value = self._get(name, required)
        if value is _MISSING:
            return default
        if not isinstance(value, str):
            self.error(name, "Must be a string.")
            return default
        problem = text_problem(value)
        if problem:
            self.error(name, problem)
            return default
        if len(value) > max_len:
            self.error(name, f"Use at most {max_len} characters.")
            return default
        if not allow_empty and required and not value.strip():
            self.error(name, "This field is required.")
            return default
        return value

    def integer(
        self,
        name: str,
        *,
        required: bool = True,
        minimum: int = 0,
        maximum: int = MAX_ID,
        default: int | None = None,
    ) -> int | None:
        """A whole number (never a boolean) between ``minimum`` and ``maximum``."""
        value = self._get(name, required)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(name, "Must be a whole number.")
            return default
        if not minimum <= value <= maximum:
            self.error(name, f"Must be between {minimum} and {maximum}.")
            return default
        return value

    def boolean(
        self, name: str, *, required: bool = True, default: bool | None = None
    ) -> bool | None:
        """A JSON true or false."""
        value = self._get(name, required)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.error(name, "Must be true or false.")
            return default
        return value

    def strings(
        self, name: str, *, required: bool = True, max_items: int = 50, max_len: int = 200
    ) -> list[str] | None:
        """A list of at most ``max_items`` strings, each storable and at most ``max_len`` long."""
        value = self._get(name, required)
        if value is _MISSING:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(name, "Must be a list of strings.")
            return None
        if len(value) > max_items:
            self.error(name, f"Give at most {max_items} items.")
            return None
        for item in value:
            problem = text_problem(item) or (
                f"Each item may have at most {max_len} characters." if len(item) > max_len else None
            )
            if problem:
                self.error(name, problem)
                return None
        return value

    def instant(self, name: str, *, required: bool = True) -> datetime | None:
        """An RFC 3339 instant with an offset, as aware UTC."""
        value = self._get(name, required)
        if value is _MISSING:
            return None
        try:
            return parse_instant(value)
        except ValueError as exc:
            self.error(name, str(exc))
            return None

    def custom(self, name: str, parse: Callable[[Any], Any], *, required: bool = True) -> Any:
        """Parse a field with ``parse``, which raises ValueError with a message."""
        value = self._get(name, required)
        if value is _MISSING:
            return None
        try:
            return parse(value)
        except ValueError as exc:
            self.error(name, str(exc))
            return None

    def check(self) -> None:
        """Raise Invalid (422) if any field was wrong."""
        if self.errors:
            raise Invalid("Some fields need attention.", self.errors)


def query_instant(name: str, *, required: bool = True) -> datetime | None:
    """An RFC 3339 query parameter as aware UTC, or a 422."""
    raw = request.args.get(name)
    if raw is None:
        if required:
            raise Invalid.field(name, "This parameter is required.")
        return None
    try:
        return parse_instant(raw)
    except ValueError as exc:
        raise Invalid.field(name, str(exc)) from None
